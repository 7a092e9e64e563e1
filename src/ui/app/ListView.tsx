import { Box, Text } from 'ink';
import type { PickerRecipe } from '../picker-data.js';
import { DETAILS_BELOW_MIN_ROWS, NARROW, WIDE } from './layout.js';
import { editLine } from './line-edit.js';
import { useLatest } from './use-latest.js';
import { visibleWindow } from './recipe-filter.js';
import { RecipeDetails } from './RecipeDetails.js';
import { ROW_HEIGHT, RecipeRow } from './RecipeRow.js';
import { Styled } from './Styled.js';
import { useKeys } from './use-keys.js';

interface ListViewProps {
  /** Already filtered. */
  recipes: PickerRecipe[];
  total: number;
  invalid: number;
  filter: string;
  selected: number;
  columns: number;
  rows: number;
  onFilter(filter: string): void;
  onSelect(index: number): void;
  onPick(recipe: PickerRecipe): void;
  onQuit(): void;
}

/** Typing filters, ↑/↓ move, Enter picks; Esc clears the filter, then quits; q quits when nothing is typed. */
export function ListView(props: ListViewProps) {
  const { recipes, filter, selected, columns } = props;
  const current = recipes[selected];
  const latest = useLatest({ filter, selected });
  useKeys((input, key) => {
    if (key.ctrl && input === 'c') return;
    const state = latest.current;
    const select = (index: number) => {
      state.selected = Math.max(0, Math.min(recipes.length - 1, index));
      props.onSelect(state.selected);
    };
    if (key.upArrow) return select(state.selected - 1);
    if (key.downArrow) return select(state.selected + 1);
    if (key.pageUp) return select(state.selected - 5);
    if (key.pageDown) return select(state.selected + 5);
    if (key.return) {
      const picked = recipes[state.selected];
      return picked ? props.onPick(picked) : undefined;
    }
    if (key.escape) {
      if (state.filter.length === 0) return props.onQuit();
      state.filter = '';
      return props.onFilter('');
    }
    if (input === 'q' && state.filter.length === 0 && !key.ctrl && !key.meta) return props.onQuit();
    const next = editLine(state.filter, input, key);
    if (next === undefined) return;
    state.filter = next;
    state.selected = 0;
    props.onFilter(next);
  });

  const side = columns >= WIDE;
  const listWidth = side ? Math.floor(columns * 0.55) : columns;
  const detailsWidth = side ? columns - listWidth - 1 : columns;
  // Leave room for the header, filter, hints and (below the list) the details pane.
  // Below the list, the details pane needs height too: a short terminal goes without it.
  const detailsBelow = !side && columns >= NARROW && props.rows >= DETAILS_BELOW_MIN_ROWS;
  const reserved = detailsBelow ? 22 : 6;
  const count = Math.max(2, Math.min(8, Math.floor((props.rows - reserved) / ROW_HEIGHT)));
  const { start, end } = visibleWindow(recipes.length, selected, count);
  const nameWidth = Math.max(4, ...recipes.map((r) => r.name.length));
  const versionWidth = Math.max(7, ...recipes.map((r) => r.version.length));

  const list = (
    <Box flexDirection="column" width={listWidth}>
      <Text wrap="truncate-end">
        <Styled tone="muted">{`  ${'NAME'.padEnd(nameWidth)} ${'VERSION'.padEnd(versionWidth)} ${'LAST SIZE'.padStart(9)}  ARCH`}</Styled>
      </Text>
      {recipes.slice(start, end).map((recipe, i) => (
        <RecipeRow
          key={`${recipe.name}@${recipe.version}`}
          recipe={recipe}
          selected={start + i === selected}
          width={listWidth}
          nameWidth={nameWidth}
          versionWidth={versionWidth}
        />
      ))}
      {recipes.length === 0 ? <Styled tone="warn">{`  no recipe matches "${filter}"`}</Styled> : null}
      {end - start < recipes.length ? (
        <Styled tone="muted">
          {'  '}
          {start + 1}–{end} of {recipes.length}
        </Styled>
      ) : null}
    </Box>
  );
  return (
    <Box flexDirection="column" width={columns}>
      <Text wrap="truncate-end">
        <Styled tone="accent" bold>
          layerforge
        </Styled>
        <Text> · pick a recipe ({props.total} recipes</Text>
        {props.invalid > 0 ? (
          <Styled tone="warn">, {props.invalid} invalid: see `layerforge list`</Styled>
        ) : null}
        <Text>)</Text>
      </Text>
      <Text>
        <Styled tone="accent">filter </Styled>
        {filter.length > 0 ? filter : <Styled tone="muted">type to filter</Styled>}
        <Text>█</Text>
      </Text>
      {side ? (
        <Box flexDirection="row" gap={1}>
          {list}
          {current ? <RecipeDetails recipe={current} width={detailsWidth} /> : null}
        </Box>
      ) : (
        <Box flexDirection="column">
          {list}
          {current && detailsBelow ? <RecipeDetails recipe={current} width={detailsWidth} /> : null}
        </Box>
      )}
      <Styled tone="muted" wrap="truncate-end">
        ↑/↓ move · Enter choose · type to filter · {filter.length > 0 ? 'Esc clear filter' : 'Esc/q quit'}
      </Styled>
    </Box>
  );
}
