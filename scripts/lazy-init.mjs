// An esbuild plugin for the CLI bundle: a few dependency modules build costly
// objects at the top level, which every command then pays for at start-up
// even though only help and usage output ever uses them. string-width (yargs
// and cliui measure help columns with it) makes an `Intl.Segmenter` and
// compiles Unicode-property regexes with the `v` flag when it loads:
// `new RegExp('^\\p{RGI_Emoji}$', 'v')` alone took 37 ms and the first
// Segmenter 18 ms on the 2-core bench machine, ~50 ms of the ~250 ms
// `rolejudge --version` took.
//
// Each such top-level `const name = <costly expression>;` becomes a stand-in
// that makes the real object on first use and forwards every property read
// and write to it (methods called on the real object), so the module computes
// what it computed before, only later. A file that matches the filter but has
// no such line is left as it is and named in a warning: the bundle still
// works, only its start-up is slower.
import { readFile } from 'node:fs/promises';

/** Files whose top-level costly objects are made lazily. */
export const LAZY_FILES = /[\\/]node_modules[\\/](?:[^\\/]+[\\/]node_modules[\\/])?string-width[\\/]index\.js$/;

// `const x = new Intl.Segmenter(…);` or `const x = /…/flags;` where the flags include `v`.
const COSTLY = /^const (\w+) = (new Intl\.Segmenter\([^)]*\)|\/.+\/[dgimsuy]*v[dgimsuy]*);$/gm;

const HELPER = `function __rolejudgeLazy(make) {
  let real;
  const get = () => (real ??= make());
  return new Proxy({}, {
    get(_, key) {
      const target = get();
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
    set(_, key, value) {
      const target = get();
      return Reflect.set(target, key, value, target);
    },
    has: (_, key) => Reflect.has(get(), key),
  });
}
`;

/** The module's source with its costly top-level objects made on first use; `count` says how many. */
export function lazyTopLevel(source) {
  let count = 0;
  const text = source.replace(COSTLY, (_, name, expr) => {
    count++;
    return `const ${name} = __rolejudgeLazy(() => ${expr});`;
  });
  return { text: count > 0 ? `${text}\n${HELPER}` : source, count };
}

/** @type {import('esbuild').Plugin} */
export const lazyInit = {
  name: 'lazy-top-level-objects',
  setup(b) {
    b.onLoad({ filter: LAZY_FILES }, async (args) => {
      const { text, count } = lazyTopLevel(await readFile(args.path, 'utf8'));
      if (count === 0) {
        process.stderr.write(`bundle: no costly top-level object found to defer in ${args.path}\n`);
        return undefined;
      }
      return { contents: text, loader: 'js' };
    });
  },
};
