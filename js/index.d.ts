// Public types of the `trailmark` package (hand-written; the wasm-bindgen types are internal).

/** Error codes, `area/reason`. `config/*` and `wasm/*` are fatal: the SDK becomes a no-op. */
export type TrailmarkErrorCode =
  | 'config/invalid'
  | 'config/fetch'
  | 'wasm/unsupported'
  | 'wasm/load'
  | 'wasm/blocked'
  | 'wasm/trap'
  | 'load/twice'
  | 'input/invalid'
  | 'storage/unavailable'
  | 'storage/full'
  | 'storage/corrupt'
  | 'export/rejected'
  | 'export/too-large'
  | 'export/failed'
  | 'export/load'
  | 'recommend/catalog'
  | 'recommend/model'
  | 'recommend/load'
  | 'sources/fetch'
  | 'sources/invalid'
  | 'forget/fallback'
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
  /** The evidence behind the likeliest stage, strongest first (at most 5). */
  evidence: { cause: string; weight: number }[];
}

/** An experiment's decision for this visitor. */
export interface ExperimentDecision {
  id: string;
  /** The arm (`"holdout"` for a held-out visitor). */
  arm: string;
  /** The arm's slot variant or prompt template; null for the control and holdout. */
  variant: string | null;
  holdout: boolean;
  /** True until this session recorded an exposure (`Experiment Viewed`). */
  expose: boolean;
  reads: { name: string; value: unknown }[];
}

export interface Decision {
  slot: string;
  /** The variant shown, or null for the page's default content. */
  variant: string | null;
  rule: number | null;
  experiment: ExperimentDecision | null;
  explanation: Explanation;
}

/** `explain(id)`: a slot's or a shown prompt's explanation, with what it decided. */
export type ExplainResult =
  | (Explanation & { variant: string | null; experiment: ExperimentDecision | null })
  | (PromptExplanation & { prompt: string; template: string; experiment: ExperimentDecision | null });

export type PromptKind = 'banner' | 'toast' | 'modal' | 'inline';

export interface PromptExplanation {
  /** One line, e.g. `abandoned:checkout: !cart.empty (cart.empty = false); shown 0 this session, 0 in all; 0 of 2 prompts this session`. */
  text: string;
  /** The trigger that fired: `page_view`, `exit_intent`, `event:<name>`, `scroll:<percent>`, `idle:<seconds>`, `abandoned:<journey>`. */
  trigger: string;
  condition: string | null;
  reads: { name: string; value: unknown }[];
  shown_session: number;
  shown_total: number;
  budget_used: number;
  budget: number;
  top_stage: string;
  probability: number;
  evidence: { cause: string; weight: number }[];
  /** Prompts whose trigger matched but were not chosen, and why. */
  passed_over: { prompt: string; reason: string }[];
}

/** A prompt decision (`prompt(trigger)`, `on('prompt')`). `prompt` is null when nothing is shown. */
export interface PromptDecision {
  prompt: string | null;
  kind?: PromptKind;
  template?: string;
  survey?: boolean;
  experiment?: ExperimentDecision | null;
  explanation?: PromptExplanation;
  /** When nothing is shown: the prompts considered and why each was passed over. */
  passed_over?: { prompt: string; reason: string }[];
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
  prompt: PromptDecision;
  error: TrailmarkError;
}
export type EventName = keyof EventMap;

/**
 * Consent per purpose (README, "Privacy"). `functional`: keep the profile in this browser's
 * storage (else memory only for the page); `personalization`: personalise content (else every
 * slot keeps its default); `measurement`: send touchpoints to the configured export endpoint.
 * Other purposes are kept and readable in conditions as `consent.<purpose>`.
 */
export interface Consent {
  functional?: boolean;
  personalization?: boolean;
  measurement?: boolean;
  [purpose: string]: boolean | undefined;
}

/** `$.privacy` in the config (validated by the engine). */
export interface PrivacyConfig {
  /** Each purpose while no signal decided it. Default `{functional: true, personalization: true, measurement: false}`. */
  consent?: Consent;
  /** Follow an IAB TCF v2.2 CMP (`__tcfapi`). Default true. */
  tcf?: boolean;
  /** Follow Google Consent Mode v2 commands in `dataLayer`. Default true. */
  consent_mode?: boolean;
  /** What Global Privacy Control still allows. Default `{export: false, personalization: true}`. */
  gpc?: { export?: boolean; personalization?: boolean };
  /** Store in a cross-site iframe. Default false (memory only). */
  iframe_storage?: boolean;
  /** The opt-in export (Segment batch format) to the site's collector. */
  export?: { url: string; batch_size?: number; flush_seconds?: number; max_queue?: number; retry_ms?: number };
}

/** What `export()` returns (data portability): the profile plus traits, consents and privacy state. */
export interface ExportData {
  format: 'trailmark-export/1';
  exported_at: number;
  namespace: string;
  lifecycle: Record<string, unknown>;
  channel_touches: Record<string, unknown>[];
  touchpoints: { at: number; event: string; path: string | null; product_id: string | null; category: string | null; value: number | null }[];
  event_counts: Record<string, number>;
  viewed_products: string[];
  surveys: { survey: string; answer: string; score: number | null; at: number }[];
  stages: StageEstimate[];
  journeys: Record<string, JourneyState>;
  /** What prompts and experiments remember: the bucket seed, sticky assignments, prompt caps. */
  decisions: {
    experiment_seed: number;
    experiments: Record<string, { arm: string; exposed_session: number }>;
    prompts: Record<string, { shown: number[]; total: number; clicks: number; dismissed: number | null }>;
  };
  traits: Props;
  consent: Consent;
  privacy: {
    purposes: { functional: boolean; personalization: boolean; measurement: boolean };
    choice: Consent;
    tcf: 'absent' | 'pending' | 'not_applicable' | 'decided';
    consent_mode: 'absent' | 'present';
    global_privacy_control: boolean;
    cross_site_frame: boolean;
    storage: 'browser' | 'memory';
    export: { url: string; active: boolean } | null;
  };
  [key: string]: unknown;
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

/** What `trailmark compile` writes: the engine's config compiled, plus what the JS reads itself. */
export interface CompiledConfig {
  /** The compiled format's version. */
  trailmark_compiled: number;
  namespace: string;
  /** The compiled engine config, base64. */
  engine: string;
  capture?: CaptureConfig;
  recommend?: Record<string, unknown>;
  prompts?: Record<string, unknown>;
  surveys?: Record<string, unknown>;
}

export interface LoadOptions {
  /**
   * The parsed config: a compiled document (`trailmark compile`), or the JSON source config,
   * which is then validated and compiled by the config compiler wasm, loaded only for it.
   */
  config?: CompiledConfig | (Record<string, unknown> & { namespace?: string; capture?: CaptureConfig; privacy?: PrivacyConfig });
  /** Or a URL to fetch it from. */
  configUrl?: string | URL;
  /** Where the engine's `.wasm` is (default: next to the package's `pkg/trailmark.js`). */
  wasm?: string | URL | Request | Response | BufferSource | WebAssembly.Module;
  /** Where the config compiler's `.wasm` is (default: `pkg/trailmark_compiler_bg.wasm`). */
  compilerWasm?: string | URL | Request | Response | BufferSource | WebAssembly.Module;
  /**
   * Where the full referrer source tables are (default: `pkg/trailmark_sources.txt` next to the
   * package's `runtime.js`). Fetched once, only when a visit's referrer or `utm_source` is not in
   * the subset the wasm carries.
   */
  sources?: string | URL;
  /** Defaults over `$.privacy.consent` (a stored choice and CMP signals win). */
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
  /**
   * Always resolves: on failure to a no-op instance whose `failed` says why. One instance runs
   * per page: a second `load` while one runs resolves to a failed instance (`load/twice`) and
   * leaves the first alone.
   */
  static load(options?: LoadOptions): Promise<Trailmark>;
  /** True once started (first page view processed and slots rendered). */
  readonly ready: boolean;
  /** Set when the SDK could not run and is a no-op. */
  readonly failed: TrailmarkError | undefined;

  /** Records a touchpoint. Never throws; resolves once stored (and decisions made). */
  track(name: string, props?: Props): Promise<void>;
  /** Records a page view of the current URL (automatic unless `capture.page_views` is false). */
  page(props?: Props): Promise<void>;
  /** Keeps `id` (as `user_id`) and traits on this device; only the id leaves, as `userId`, and only through a consented export. */
  identify(id: string | null, traits?: Props): void;
  identify(traits: Props): void;
  stage(): StageEstimate[];
  journey(): Record<string, JourneyState>;
  /** Lifecycle facts: visits, orders, channel, cart, interests, top stage. */
  lifecycle(): Record<string, unknown> | null;
  /** The latest slot decisions. */
  decide(): Decision[];
  /** Why a slot (or a prompt shown on this page) shows what it shows. */
  explain(id: string): ExplainResult | null;
  /**
   * Asks for a prompt now, for a trigger (`exit_intent`, `event:<name>`, `scroll:<percent>`,
   * `idle:<seconds>`, `abandoned:<journey>`, `page_view`), and shows it. Resolves to the decision.
   */
  prompt(trigger: string): Promise<PromptDecision | null>;
  on<E extends EventName>(event: E, callback: (detail: EventMap[E]) => void): () => void;
  /**
   * Records the visitor's choice (stored; it wins over CMP signals and defaults) and returns the
   * purposes in force. `{functional: false}` erases this namespace's stored data and runs memory
   * only; `{measurement: false}` drops the export queue at once.
   */
  consent(purposes?: Consent): Consent;
  /** Everything kept about the visitor, as readable JSON (data portability). */
  export(): ExportData | null;
  /**
   * Erases the profile, caches, queued export events and every Trailmark key in localStorage,
   * sessionStorage and IndexedDB, in this tab and every other open tab; resolves after deletion.
   * The consent choice is kept. Afterwards the visitor is new.
   */
  forget(): Promise<void>;
  /** Opens the visitor's "what this site knows about you" panel (loaded on demand). */
  privacyPanel(): Promise<void>;
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
