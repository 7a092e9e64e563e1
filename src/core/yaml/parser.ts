// The YAML parser for modules that load it lazily (`await import('../yaml/parser.js')`). A
// dynamic import of 'yaml' itself would not do: the bundle gives a CommonJS package imported
// that way only a default export, so named imports of it come out undefined.
export { isMap, parseDocument } from 'yaml';
