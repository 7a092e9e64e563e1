import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The core is a library: it never renders, prints or exits (docs/architecture.md). eslint.config.js says the
// same for editors; this test is what `npm test` enforces, reading the code as TypeScript does.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const coreDir = join(root, 'src', 'core');
const forbiddenDirs = [join(root, 'src', 'ui'), join(root, 'src', 'commands')];
const forbiddenPackages = /^(ink|react|react-dom|react-reconciler|ink-.+)(\/.*)?$/;
const forbiddenAccess = new Set([
  'process.stdout',
  'process.stderr',
  'process.exit',
  'console.log',
  'console.error',
  'console.warn',
  'console.info',
]);

function coreFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return coreFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every module specifier and forbidden property access in one file, with its line. */
function violations(file: string, source: string): string[] {
  const sf = ts.createSourceFile(
    file,
    source,
    ts.ScriptTarget.Latest,
    true,
    file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const found: string[] = [];
  const where = (node: ts.Node) =>
    `${relative(root, file)}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const checkSpecifier = (node: ts.Node, specifier: string) => {
    if (forbiddenPackages.test(specifier)) found.push(`${where(node)} imports ${specifier}`);
    if (specifier.startsWith('.')) {
      const target = resolve(dirname(file), specifier);
      if (forbiddenDirs.some((dir) => target === dir || target.startsWith(dir + sep)))
        found.push(`${where(node)} imports ${specifier}`);
    }
  };
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      checkSpecifier(node, node.moduleSpecifier.text);
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      checkSpecifier(node, node.moduleReference.expression.text);
    } else if (ts.isCallExpression(node)) {
      const [arg] = node.arguments;
      const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if ((isImport || isRequire) && arg && ts.isStringLiteralLike(arg)) checkSpecifier(node, arg.text);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      checkSpecifier(node, node.argument.literal.text);
    } else if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression)) {
      const access = `${node.expression.text}.${node.name.text}`;
      if (forbiddenAccess.has(access)) found.push(`${where(node)} uses ${access}`);
    } else if (
      ts.isElementAccessExpression(node) &&
      ts.isIdentifier(node.expression) &&
      ts.isStringLiteral(node.argumentExpression)
    ) {
      const access = `${node.expression.text}.${node.argumentExpression.text}`;
      if (forbiddenAccess.has(access)) found.push(`${where(node)} uses ${access}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

describe('src/core stays a library', () => {
  const files = coreFiles(coreDir);

  it('finds the core modules', () => {
    expect(files.length).toBeGreaterThan(20);
    expect(files).toContain(join(coreDir, 'builder', 'build-layer.ts'));
  });

  it('no core module imports ink, react, the UI or the commands, or writes to the terminal or exits', () => {
    const found = files.flatMap((file) => violations(file, readFileSync(file, 'utf8')));
    expect(found).toEqual([]);
  });

  it('the check catches each kind of violation (and not comments or strings)', () => {
    const file = join(coreDir, 'builder', 'example.ts');
    const source = [
      "import { render } from 'ink';",
      "import type { ReactNode } from 'react';",
      "import Spinner from 'ink-spinner';",
      "import { describeEvent } from '../../ui/plain-reporter.js';",
      "export { command } from '../../commands/build.js';",
      "const ui = await import('../../ui/app/PickerApp.js');",
      'process.stdout.write("x");',
      'process.exit(1);',
      'console.log("x");',
      "process['stderr'].write('x');",
      '// process.stdout and console.log in a comment are fine',
      "const text = 'import from ink: console.log';",
      "import { join } from 'node:path';",
      "import { UserError } from '../errors.js';",
    ].join('\n');
    expect(violations(file, source)).toEqual([
      'src/core/builder/example.ts:1 imports ink',
      'src/core/builder/example.ts:2 imports react',
      'src/core/builder/example.ts:3 imports ink-spinner',
      'src/core/builder/example.ts:4 imports ../../ui/plain-reporter.js',
      'src/core/builder/example.ts:5 imports ../../commands/build.js',
      'src/core/builder/example.ts:6 imports ../../ui/app/PickerApp.js',
      'src/core/builder/example.ts:7 uses process.stdout',
      'src/core/builder/example.ts:8 uses process.exit',
      'src/core/builder/example.ts:9 uses console.log',
      'src/core/builder/example.ts:10 uses process.stderr',
    ]);
  });
});
