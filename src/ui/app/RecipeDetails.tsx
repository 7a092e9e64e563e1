import { Box, Text } from 'ink';
import { formatBytes } from '../format.js';
import type { PickerRecipe } from '../picker-data.js';
import { Styled } from './Styled.js';

interface RecipeDetailsProps {
  recipe: PickerRecipe;
  width: number;
}

function Field({ label, children }: { label: string; children: string }) {
  return (
    <Box>
      <Box width={11} flexShrink={0}>
        <Styled tone="muted">{label}</Styled>
      </Box>
      <Text>{children}</Text>
    </Box>
  );
}

/** What the selected recipe installs, under which license, within which budget, and its last build. */
export function RecipeDetails({ recipe, width }: RecipeDetailsProps) {
  const packages = Object.entries(recipe.packages).map(([os, pkgs]) => `${os}: ${pkgs.join(' ')}`);
  const last = recipe.lastBuild;
  return (
    <Box flexDirection="column" width={width} borderStyle="round" paddingX={1}>
      <Styled tone="accent" bold>
        {recipe.name} {recipe.version}
      </Styled>
      <Text>{recipe.summary}</Text>
      <Text> </Text>
      {recipe.python.length > 0 ? <Field label="python">{recipe.python.join(' ')}</Field> : null}
      {packages.map((line) => (
        <Field key={line} label="packages">
          {line}
        </Field>
      ))}
      {recipe.sources.map((source) => (
        <Field key={source} label="source">
          {source}
        </Field>
      ))}
      <Field label="license">{recipe.license}</Field>
      <Field label="budget">
        {recipe.budgetMB === undefined ? "Lambda's 250 MB" : `${recipe.budgetMB} MB unzipped`}
      </Field>
      <Field label="runtimes">{recipe.runtimes.join(' ')}</Field>
      <Field label="arch">{recipe.architectures.join(' ')}</Field>
      <Field label="tests">{recipe.tests === 0 ? 'none' : `${recipe.tests} smoke test(s)`}</Field>
      <Field label="last build">
        {last
          ? `${formatBytes(last.unzippedBytes)} (${formatBytes(last.zippedBytes)} zipped)`
          : 'none in the out folder'}
      </Field>
      {last ? <Field label="">{`${last.runtime} ${last.arch} on ${last.base}`}</Field> : null}
    </Box>
  );
}
