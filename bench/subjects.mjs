// The subjects of the benchmark: two floors, Trailmark, and the SDKs users would pick instead.
//
// Each subject is loaded on the same page (bench/page.mjs: 10 slots with templates) in its
// script-tag form: `files` are served from /s/<id>/ and included, in order, as classic <script>
// tags in <head> (Trailmark: its head loader, which fetches the rest itself). `init` is an inline
// script run after them: it initialises the SDK the way its docs say for a browser, with every
// API / CDN host it lets us set pointed at API (127.0.0.1:9, refused by design; the runner aborts
// every request that is not for the bench server and counts it), and defines
//   window.__bench = { track(i), decide?() }
// and calls __ready() when the SDK says it is ready (its ready callback / promise; for SDKs with
// none, when init has returned). `form` says which script-tag form was used.

export const API = 'http://127.0.0.1:9';

/** Properties of the i-th tracked event (the same for every subject). */
export const EVENT_JS = `function __ev(i){return {product_id:'p'+(i%50),name:'Trail boot '+(i%50),category:'footwear',price:129,currency:'EUR',position:i%10}}`;

const pkg = (name) => ({ name, version: null }); // version filled in from node_modules

export const SUBJECTS = [
  {
    id: 'empty',
    label: 'floor: empty page',
    form: 'no script',
    files: [],
    init: `window.__bench={track(){}};__ready();`,
  },
  {
    id: 'localstorage',
    label: 'floor: localStorage append',
    form: 'bench/floor/localstorage.js (12 lines)',
    files: [{ from: 'floor/localstorage.js' }],
    init: `window.__bench={track(i){floorTrack('Product Viewed',__ev(i))}};__ready();`,
  },
  {
    id: 'trailmark',
    label: 'Trailmark',
    form: 'dist/loader.js (head) + trailmark.js + runtime.js (bundled by esbuild, compressed again by terser, wasm-bindgen glue included) + wasm',
    trailmark: true,
    files: [], // the page includes /trailmark/loader.js itself; sizes come from what was requested
    init: `window.__bench={track(i){return trailmark.track('Product Viewed',__ev(i))},decide(){return trailmark.decide()}};`,
  },
  {
    ...pkg('posthog-js'),
    id: 'posthog',
    label: 'PostHog',
    form: 'shipped bundle dist/array.js (what its snippet loads)',
    files: [{ from: 'node_modules/posthog-js/dist/array.js' }],
    init: `posthog.init('phc_bench',{api_host:'${API}',loaded(){__ready()}});
window.__bench={track(i){posthog.capture('Product Viewed',__ev(i))},decide(){return posthog.isFeatureEnabled('hero')}};`,
  },
  {
    ...pkg('@segment/analytics-next'),
    id: 'segment',
    label: 'Segment analytics-next',
    form: 'shipped bundle dist/umd/index.js (global AnalyticsNext)',
    files: [{ from: 'node_modules/@segment/analytics-next/dist/umd/index.js' }],
    init: `window.analytics=AnalyticsNext.AnalyticsBrowser.load({writeKey:'bench',cdnURL:'${API}',cdnSettings:{integrations:{'Segment.io':{apiKey:'bench',apiHost:'127.0.0.1:9/v1',protocol:'http'}}}});
analytics.ready(()=>__ready());
window.__bench={track(i){analytics.track('Product Viewed',__ev(i))}};`,
  },
  {
    ...pkg('@rudderstack/analytics-js'),
    id: 'rudderstack',
    label: 'RudderStack',
    form: 'shipped bundle dist/npm/modern/umd/index.js (global rudderanalytics)',
    files: [{ from: 'node_modules/@rudderstack/analytics-js/dist/npm/modern/umd/index.js' }],
    init: `window.rudderanalytics=new rudderanalytics.RudderAnalytics();
rudderanalytics.load('bench','${API}',{configUrl:'${API}',destSDKBaseURL:'${API}',pluginsSDKBaseURL:'${API}',getSourceConfig:()=>({source:{id:'bench',name:'bench',workspaceId:'bench',enabled:true,config:{},destinations:[]}}),onLoaded(){__ready()}});
rudderanalytics.ready(()=>__ready());
window.__bench={track(i){rudderanalytics.track('Product Viewed',__ev(i))}};`,
  },
  {
    ...pkg('@snowplow/browser-tracker'),
    id: 'snowplow',
    label: 'Snowplow browser-tracker',
    form: 'shipped bundle dist/index.umd.min.js (global snowplowBrowserTracking)',
    files: [{ from: 'node_modules/@snowplow/browser-tracker/dist/index.umd.min.js' }],
    init: `snowplowBrowserTracking.newTracker('sp','${API}',{appId:'bench'});__ready();
window.__bench={track(i){snowplowBrowserTracking.trackSelfDescribingEvent({event:{schema:'iglu:com.example/product_viewed/jsonschema/1-0-0',data:__ev(i)}})}};`,
  },
  {
    ...pkg('@amplitude/analytics-browser'),
    id: 'amplitude',
    label: 'Amplitude',
    form: 'shipped bundle lib/scripts/amplitude-min.js (what its snippet loads)',
    files: [{ from: 'node_modules/@amplitude/analytics-browser/lib/scripts/amplitude-min.js' }],
    init: `amplitude.init('bench',{serverUrl:'${API}/2/httpapi'}).promise.then(()=>__ready());
window.__bench={track(i){amplitude.track('Product Viewed',__ev(i))}};`,
  },
  {
    ...pkg('mixpanel-browser'),
    id: 'mixpanel',
    label: 'Mixpanel',
    form: 'shipped bundle dist/mixpanel.min.js, loaded by its official snippet (dist/mixpanel-jslib-snippet.min.js) from the bench server',
    pre: `window.MIXPANEL_CUSTOM_LIB_URL='/s/mixpanel/mixpanel.min.js';`,
    files: [{ from: 'node_modules/mixpanel-browser/dist/mixpanel-jslib-snippet.min.js' }, { from: 'node_modules/mixpanel-browser/dist/mixpanel.min.js', serveOnly: true }],
    init: `mixpanel.init('bench',{api_host:'${API}',loaded(){__ready()}});
window.__bench={track(i){mixpanel.track('Product Viewed',__ev(i))}};`,
  },
  {
    ...pkg('@growthbook/growthbook'),
    id: 'growthbook',
    label: 'GrowthBook',
    form: 'shipped bundle dist/bundles/index.min.js (global growthbook); `track` is logEvent with a no-op eventLogger (GrowthBook sends events through a plugin that is not in this bundle)',
    files: [{ from: 'node_modules/@growthbook/growthbook/dist/bundles/index.min.js' }],
    init: `window.gb=new growthbook.GrowthBook({apiHost:'${API}',clientKey:'sdk-bench',attributes:{id:'v1'},trackingCallback(){},eventLogger(){}});
gb.init({timeout:2000}).then(()=>__ready(),()=>__ready());
window.__bench={track(i){gb.logEvent('Product Viewed',__ev(i))},decide(){return gb.isOn('hero')}};`,
  },
  {
    ...pkg('@statsig/js-client'),
    id: 'statsig',
    label: 'Statsig',
    form: 'shipped bundle build/statsig-js-client.min.js (its CDN file)',
    files: [{ from: 'node_modules/@statsig/js-client/build/statsig-js-client.min.js' }],
    init: `window.sg=new Statsig.StatsigClient('client-bench',{userID:'v1'},{networkConfig:{api:'${API}/v1'}});
sg.initializeAsync().then(()=>__ready(),()=>__ready());
window.__bench={track(i){sg.logEvent('Product Viewed',null,__ev(i))},decide(){return sg.checkGate('hero')}};`,
  },
  {
    ...pkg('launchdarkly-js-client-sdk'),
    id: 'launchdarkly',
    label: 'LaunchDarkly',
    form: 'shipped bundle dist/ldclient.min.js (global LDClient)',
    files: [{ from: 'node_modules/launchdarkly-js-client-sdk/dist/ldclient.min.js' }],
    init: `window.ld=LDClient.initialize('bench',{kind:'user',key:'v1'},{baseUrl:'${API}',eventsUrl:'${API}',streamUrl:'${API}',sendEventsOnlyForVariation:false});
ld.waitUntilReady().then(()=>__ready());
window.__bench={track(i){ld.track('Product Viewed',__ev(i))},decide(){return ld.variation('hero',false)}};`,
  },
  {
    ...pkg('@ninetailed/experience.js'),
    id: 'ninetailed',
    label: 'Ninetailed',
    form: 'esbuild IIFE of its npm entry (minified; no browser bundle shipped)',
    build: { entry: '@ninetailed/experience.js', globalName: 'NinetailedSDK' },
    files: [{ built: 'ninetailed.js' }],
    init: `window.nt=new NinetailedSDK.Ninetailed({clientId:'bench',environment:'main'},{url:'${API}'});
nt.onIsInitialized(()=>__ready());
window.__bench={track(i){nt.track('Product Viewed',__ev(i))}};`,
  },
  {
    ...pkg('@plausible-analytics/tracker'),
    id: 'plausible',
    label: 'Plausible tracker',
    form: 'esbuild IIFE of its npm entry (minified; the npm package ships ESM only)',
    build: { entry: '@plausible-analytics/tracker', globalName: 'Plausible' },
    files: [{ built: 'plausible.js' }],
    init: `Plausible.init({domain:'bench.example',endpoint:'${API}/api/event',captureOnLocalhost:true});__ready();
window.__bench={track(i){Plausible.track('Product Viewed',{props:{product_id:'p'+(i%50)}})}};`,
  },
];
