import { Box, Text } from 'ink';
import { useState } from 'react';
import type { Architecture } from '../../core/runtimes/catalog.js';
import type { PickerBase, PickerRecipe } from '../picker-data.js';
import { terminalText } from '../terminal-text.js';
import { choiceProblem, type BuildChoice } from './choose-target.js';
import { Styled } from './Styled.js';
import { useKeys } from './use-keys.js';
import { useLatest } from './use-latest.js';

interface ChooseViewProps {
  recipe: PickerRecipe;
  bases: PickerBase[];
  initial: BuildChoice;
  onStart(choice: BuildChoice): void;
  onBack(): void;
  onQuit(): void;
}

const FIELDS = ['runtime', 'arch', 'base', 'test'] as const;
type Field = (typeof FIELDS)[number];

/** One field's choices and the one chosen, as a row of options. */
function OptionRow({
  label,
  options,
  chosen,
  focused,
}: {
  label: string;
  options: string[];
  chosen: string;
  focused: boolean;
}) {
  return (
    <Box>
      <Box width={10} flexShrink={0}>
        <Styled tone={focused ? 'selected' : undefined} bold={focused}>
          {focused ? '› ' : '  '}
          {label}
        </Styled>
      </Box>
      <Box flexWrap="wrap" columnGap={1}>
        {options.map((option) =>
          option === chosen ? (
            <Styled key={option} tone="selected" bold>
              [{terminalText(option)}]
            </Styled>
          ) : (
            <Text key={option}> {terminalText(option)} </Text>
          ),
        )}
      </Box>
    </Box>
  );
}

function cycle<T>(options: readonly T[], current: T, step: number): T {
  const i = options.indexOf(current);
  return options[(i + step + options.length) % options.length] ?? current;
}

/** Runtime, arch, base and smoke test: ↑/↓ pick the field, ←/→ (or Tab/Space) the value, Enter builds. */
export function ChooseView({ recipe, bases, initial, onStart, onBack, onQuit }: ChooseViewProps) {
  const [choice, setChoice] = useState<BuildChoice>(initial);
  const [field, setField] = useState<Field>('runtime');
  const problem = choiceProblem(choice, bases);

  const latest = useLatest({ choice, field });
  const change = (step: number) => {
    const { choice: c, field: f } = latest.current;
    const next: BuildChoice =
      f === 'runtime'
        ? { ...c, runtime: cycle(recipe.runtimes, c.runtime, step) }
        : f === 'arch'
          ? { ...c, arch: cycle<Architecture>(recipe.architectures, c.arch, step) }
          : f === 'base'
            ? {
                ...c,
                base: cycle(
                  bases.map((b) => b.name),
                  c.base,
                  step,
                ),
              }
            : { ...c, test: !c.test };
    latest.current.choice = next;
    setChoice(next);
  };
  const move = (step: number) => {
    const next = cycle(FIELDS, latest.current.field, step);
    latest.current.field = next;
    setField(next);
  };

  useKeys((input, key) => {
    if (key.ctrl && input === 'c') return;
    if (key.upArrow) return move(-1);
    if (key.downArrow) return move(1);
    if (key.leftArrow) return change(-1);
    if (key.rightArrow || key.tab || input === ' ') return change(1);
    if (key.return)
      return choiceProblem(latest.current.choice, bases) ? undefined : onStart(latest.current.choice);
    if (key.escape || key.backspace || key.delete) return onBack();
    if (input === 'q') return onQuit();
  });

  const base = bases.find((b) => b.name === choice.base);
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Styled tone="accent" bold>
          {terminalText(`${recipe.name} ${recipe.version}`)}
        </Styled>
        <Styled tone="muted"> · choose the target</Styled>
      </Text>
      <Text> </Text>
      <OptionRow
        label="runtime"
        options={recipe.runtimes}
        chosen={choice.runtime}
        focused={field === 'runtime'}
      />
      <OptionRow
        label="arch"
        options={recipe.architectures}
        chosen={choice.arch}
        focused={field === 'arch'}
      />
      <OptionRow
        label="base"
        options={bases.map((b) => b.name)}
        chosen={choice.base}
        focused={field === 'base'}
      />
      <OptionRow
        label="test"
        options={['off', 'on']}
        chosen={choice.test ? 'on' : 'off'}
        focused={field === 'test'}
      />
      <Text> </Text>
      {base ? <Styled tone={base.standIn ? 'warn' : 'muted'}>{terminalText(base.summary)}</Styled> : null}
      {choice.test ? (
        <Styled tone="muted">test: runs the recipe's smoke tests in the runtime image after zipping</Styled>
      ) : null}
      {problem ? <Styled tone="error">✗ {terminalText(problem)}</Styled> : null}
      <Text> </Text>
      <Styled tone="muted" wrap="truncate-end">
        ↑/↓ field · ←/→ change · Enter build · Esc back · q quit
      </Styled>
    </Box>
  );
}
