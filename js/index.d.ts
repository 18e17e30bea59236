// Public types of the `trailmark` package (hand-written; the wasm-bindgen types are internal).

/** Error codes, `area/reason`. `config/*` and `wasm/*` are fatal: the SDK becomes a no-op. */
export type TrailmarkErrorCode =
  | 'config/invalid'
  | 'config/fetch'
  | 'wasm/unsupported'
  | 'wasm/load'
  | 'wasm/blocked'
  | 'wasm/trap'
  | 'input/invalid'
  | 'storage/unavailable'
  | 'storage/full'
  | 'storage/corrupt'
  | 'recommend/catalog'
  | 'recommend/model'
  | 'recommend/load'
  | 'internal/error'
  | (string & {});

export interface ConfigProblem {
  /** JSON path of the problem, e.g. `$.slots.hero.rules[0].when`. */
  path: string;
  message: string;
}

export class TrailmarkError extends Error {
  readonly name: 'TrailmarkError';
  readonly code: TrailmarkErrorCode;
  /** The first problem's JSON path, for config errors. */
  readonly path?: string;
  /** Every problem found (config errors), else empty. */
  readonly errors: ConfigProblem[];
}

export type Props = Record<string, unknown>;
export type Device = 'mobile' | 'tablet' | 'desktop';
export type JourneyStatus = 'not_started' | 'started' | 'progressing' | 'completed' | 'abandoned' | (string & {});

export interface Evidence {
  cause: string;
  at: number;
  weight: number;
}

export interface StageEstimate {
  stage: string;
  label: string;
  probability: number;
  score: number;
  evidence: Evidence[];
}

export interface JourneyState {
  status: JourneyStatus;
  step: number;
  step_label: string | null;
  steps: number;
  started: number | null;
  updated: number | null;
  deadline: number | null;
  attempts: number;
  completions: number;
  abandons: number;
  backtracks: number;
}

export interface Explanation {
  /** One line, e.g. `customer (customer = true)` or `no rule matched (top stage: discovery, 0.41)`. */
  text: string;
  condition: string | null;
  reads: { name: string; value: unknown }[];
  top_stage: string;
  probability: number;
}

export interface Decision {
  slot: string;
  /** The variant shown, or null for the page's default content. */
  variant: string | null;
  rule: number | null;
  explanation: Explanation;
}

export interface StageEvent {
  type: 'stage_changed';
  from: string;
  to: string;
  probability: number;
  /** True when another tab's touchpoint caused it. */
  remote?: boolean;
}

export interface JourneyEvent {
  type: 'journey_changed';
  journey: string;
  status: JourneyStatus;
  step: number;
  remote?: boolean;
}

export interface SessionEvent {
  type: 'session_started';
  number: number;
  channel: string;
}

export interface EventMap {
  stage: StageEvent;
  journey: JourneyEvent;
  session: SessionEvent;
  decision: Decision;
  error: TrailmarkError;
}
export type EventName = keyof EventMap;

/** Consent per purpose. Without `functional: true`-or-unset, nothing is stored (memory only). */
export interface Consent {
  functional?: boolean;
  analytics?: boolean;
  personalization?: boolean;
  marketing?: boolean;
  [purpose: string]: boolean | undefined;
}

/** `$.capture` in the config (validated by the JS runtime). */
export interface CaptureConfig {
  page_views?: boolean;
  spa?: boolean;
  clicks?: boolean;
  forms?: boolean;
  scroll?: number[] | false;
  engagement_seconds?: number[] | false;
  products?: boolean;
  /** `true` for `window.dataLayer`, or the global array's name. */
  data_layer?: boolean | string;
  segment?: boolean;
}

export interface LoadOptions {
  /** The parsed config object. */
  config?: Record<string, unknown> & { namespace?: string; capture?: CaptureConfig };
  /** Or a URL to fetch it from. */
  configUrl?: string | URL;
  /** Where the engine's `.wasm` is (default: next to the package's `pkg/trailmark.js`). */
  wasm?: string | URL | Request | Response | BufferSource | WebAssembly.Module;
  /** Default consent before the visitor chose (a stored choice wins). */
  consent?: Consent;
  /** `false` turns off all automatic capture (track and page by hand). */
  capture?: false;
  /** A Storage to use instead of localStorage, or null for memory only. */
  storage?: Storage | null;
}

export type RecommendStrategy = 'related' | 'bought-together' | 'recently-viewed' | 'trending' | 'for-you';

export interface RecommendOptions {
  /** The id of a `[data-tm-recommend]` element: its attributes give the defaults, and the answer is rendered into it. */
  slot?: string;
  /** Default `related`. */
  strategy?: RecommendStrategy;
  /** 1-50; default `$.recommend.limit` (4). */
  limit?: number;
  /** Anchor product for `related` / `bought-together`; default the page's product, else the one viewed last. */
  product?: string;
  filters?: {
    category?: string;
    min_price?: number;
    max_price?: number;
    /** Product ids never to recommend. */
    exclude?: string[];
  };
}

export type RecommendReason =
  | { kind: 'viewed' | 'bought_with' | 'similar'; product: string }
  | { kind: 'interest'; category: string }
  | { kind: 'recently_viewed' | 'trending' | 'popular' };

export interface Recommendation {
  id: string;
  title: string;
  url?: string;
  image?: string;
  price?: number;
  currency?: string;
  categories: string[];
  availability?: string;
  attributes: Record<string, string | number | boolean | null>;
  /** Comparable within one answer only. */
  score: number;
  /** The explanation in words, e.g. "Because you viewed Ember 2 Backpacking Tent". */
  because: string;
  reason: RecommendReason;
}

export class Trailmark {
  /** Always resolves: on failure to a no-op instance whose `failed` says why. */
  static load(options?: LoadOptions): Promise<Trailmark>;
  /** True once started (first page view processed and slots rendered). */
  readonly ready: boolean;
  /** Set when the SDK could not run and is a no-op. */
  readonly failed: TrailmarkError | undefined;

  /** Records a touchpoint. Never throws; resolves once stored (and decisions made). */
  track(name: string, props?: Props): Promise<void>;
  /** Records a page view of the current URL (automatic unless `capture.page_views` is false). */
  page(props?: Props): Promise<void>;
  /** Keeps `id` (as `user_id`) and traits on this device only; never sent anywhere. */
  identify(id: string | null, traits?: Props): void;
  identify(traits: Props): void;
  stage(): StageEstimate[];
  journey(): Record<string, JourneyState>;
  /** Lifecycle facts: visits, orders, channel, cart, interests, top stage. */
  lifecycle(): Record<string, unknown> | null;
  /** The latest slot decisions. */
  decide(): Decision[];
  /** Why a slot shows what it shows. */
  explain(slot: string): Explanation | null;
  on<E extends EventName>(event: E, callback: (detail: EventMap[E]) => void): () => void;
  /** Sets consent purposes and returns the current ones; `{functional: false}` erases stored data and runs memory-only. */
  consent(purposes?: Consent): Consent;
  /** Everything kept about the visitor (data portability). */
  export(): Record<string, unknown> | null;
  /** Erases every `trailmark:` key in every tab; resolves when done. */
  forget(): Promise<void>;
  /** Opens the debug panel (loaded on demand). */
  debug(): Promise<void>;
  /**
   * Products ranked on this device from `$.recommend`'s catalog and model (loaded on first use,
   * after first paint). Resolves to `[]` when there is no catalog or it could not be loaded.
   */
  recommend(options?: RecommendOptions): Promise<Recommendation[]>;
}

declare global {
  interface Window {
    /** The stub until Trailmark has loaded, then the instance. */
    trailmark: Trailmark;
  }
}
