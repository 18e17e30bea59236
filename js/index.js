// npm entry: `import { Trailmark, TrailmarkError } from 'trailmark'`.
export { Trailmark, TrailmarkError } from './runtime.js';
