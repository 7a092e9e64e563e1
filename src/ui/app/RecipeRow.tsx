import { Box, Text } from 'ink';
import { formatBytes, truncate } from '../format.js';
import type { PickerRecipe } from '../picker-data.js';
import { terminalText } from '../terminal-text.js';
import { Styled } from './Styled.js';

interface RecipeRowProps {
  recipe: PickerRecipe;
  selected: boolean;
  width: number;
  /** Names and versions are padded to these widths so the columns line up. */
  nameWidth: number;
  versionWidth: number;
}

/** Lines each recipe takes in the list. */
export const ROW_HEIGHT = 3;

/** Runtimes in `width` characters: as many as fit, then how many more. */
export function runtimesLabel(runtimes: string[], width: number): string {
  const all = runtimes.join(' ');
  if (all.length <= width) return all;
  const shown: string[] = [];
  for (const runtime of runtimes) {
    const more = ` +${runtimes.length - shown.length - 1}`;
    if ([...shown, runtime].join(' ').length + more.length > width) break;
    shown.push(runtime);
  }
  return `${shown.join(' ')} +${runtimes.length - shown.length}`;
}

/**
 * Three lines per recipe: name, version, last built size and architectures; its runtimes;
 * its summary. What does not fit is cut at the end, so a narrow terminal keeps the name.
 */
export function RecipeRow({ recipe, selected, width, nameWidth, versionWidth }: RecipeRowProps) {
  const built = recipe.lastBuild ? formatBytes(recipe.lastBuild.unzippedBytes) : '—';
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">
        <Styled tone={selected ? 'selected' : undefined} bold={selected}>
          {selected ? '› ' : '  '}
          {terminalText(recipe.name).padEnd(nameWidth)}
        </Styled>
        <Text> {terminalText(recipe.version).padEnd(versionWidth)}</Text>
        <Styled tone={recipe.lastBuild ? 'ok' : 'muted'}> {built.padStart(9)}</Styled>
        <Text>{`  ${terminalText(recipe.architectures.join(','))}`}</Text>
      </Text>
      <Text>{`    ${runtimesLabel(recipe.runtimes.map(terminalText), width - 4)}`}</Text>
      <Styled tone="muted">{`    ${truncate(terminalText(recipe.summary), width - 4)}`}</Styled>
    </Box>
  );
}
