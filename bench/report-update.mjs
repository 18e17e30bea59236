// Regenerates bench/results/latest.{md,svg} and the README block from bench/results/latest.json
// without measuring again (e.g. after editing bench/report.mjs or resolving a README conflict).
import { readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdown, svg, updateReadme } from './report.mjs';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'results');
const r = JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8'));
writeFileSync(join(dir, 'latest.md'), markdown(r));
writeFileSync(join(dir, 'latest.svg'), svg(r));
updateReadme(r);
console.log('bench: regenerated bench/results/latest.{md,svg} and the README block');
