import { Box, Text } from 'ink';
import { formatBytes } from '../format.js';
import type { PickerRecipe } from '../picker-data.js';
import { terminalText } from '../terminal-text.js';
import { LabelledRow } from './LabelledRow.js';
import { Styled } from './Styled.js';

interface RecipeDetailsProps {
  recipe: PickerRecipe;
  width: number;
}

/** What the selected recipe installs, under which license, within which budget, and its last build. */
export function RecipeDetails({ recipe, width }: RecipeDetailsProps) {
  const packages = Object.entries(recipe.packages).map(([os, pkgs]) =>
    terminalText(`${os}: ${pkgs.join(' ')}`),
  );
  const last = recipe.lastBuild;
  return (
    <Box flexDirection="column" width={width} borderStyle="round" paddingX={1}>
      <Styled tone="accent" bold>
        {terminalText(`${recipe.name} ${recipe.version}`)}
      </Styled>
      <Text>{terminalText(recipe.summary)}</Text>
      <Text> </Text>
      {recipe.python.length > 0 ? (
        <LabelledRow label="python">{terminalText(recipe.python.join(' '))}</LabelledRow>
      ) : null}
      {packages.map((line) => (
        <LabelledRow key={line} label="packages">
          {line}
        </LabelledRow>
      ))}
      {recipe.sources.map((source) => (
        <LabelledRow key={source} label="source">
          {terminalText(source)}
        </LabelledRow>
      ))}
      <LabelledRow label="license">{terminalText(recipe.license)}</LabelledRow>
      <LabelledRow label="budget">
        {recipe.budgetMB === undefined ? "Lambda's 250 MB" : `${recipe.budgetMB} MB unzipped`}
      </LabelledRow>
      <LabelledRow label="runtimes">{terminalText(recipe.runtimes.join(' '))}</LabelledRow>
      <LabelledRow label="arch">{terminalText(recipe.architectures.join(' '))}</LabelledRow>
      <LabelledRow label="tests">{recipe.tests === 0 ? 'none' : `${recipe.tests} smoke test(s)`}</LabelledRow>
      <LabelledRow label="last build">
        {last
          ? `${formatBytes(last.unzippedBytes)} (${formatBytes(last.zippedBytes)} zipped)`
          : 'none in the out folder'}
      </LabelledRow>
      {last ? (
        <LabelledRow label="">{terminalText(`${last.runtime} ${last.arch} on ${last.base}`)}</LabelledRow>
      ) : null}
    </Box>
  );
}
