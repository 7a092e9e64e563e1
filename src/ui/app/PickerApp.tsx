import { Box, useApp, useInput } from 'ink';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { BuildLayer, BuildLayerOptions } from '../../core/builder/types.js';
import { ExitCode } from '../../core/errors.js';
import type { PickerData, PickerRecipe } from '../picker-data.js';
import { BuildView } from './BuildView.js';
import { ChooseView } from './ChooseView.js';
import { initialChoice, type BuildChoice, type ChoiceDefaults } from './choose-target.js';
import { ListView } from './ListView.js';
import { PublishPanel } from './PublishPanel.js';
import { filterRecipes } from './recipe-filter.js';
import { useBuildEvents } from './use-build-events.js';
import { usePublishEvents, type PublishZip } from './use-publish-events.js';
import { KeysContext, type KeyHandler } from './use-keys.js';
import { useLatest } from './use-latest.js';
import { useTerminalSize } from './use-terminal-size.js';
import { ThemeContext } from './use-theme.js';

/** Build options the picker does not choose itself: out folder, recipe folders, cache, reserve … */
export type PickerBuildOptions = Omit<BuildLayerOptions, 'recipe' | 'runtime' | 'arch' | 'base' | 'test'>;

export interface PickerAppProps {
  data: PickerData;
  defaults: ChoiceDefaults;
  buildOptions: PickerBuildOptions;
  /** The core's buildLayer; tests pass a fake that emits a scripted event sequence. */
  buildLayer: BuildLayer;
  /** Publishes the built zip; without it the picker only prints the publish command. */
  publish?: PublishZip;
  /** Prefilled in the region prompt, e.g. $AWS_REGION. */
  defaultRegions?: string;
  cwd: string;
  noColor: boolean;
  /** SIGINT/SIGTERM from outside the terminal: cancels like Ctrl-C. */
  signal?: AbortSignal;
  /** A fixed terminal size instead of the real one (tests). */
  size?: { columns: number; rows: number };
  /** Called once with the exit code, just before the app unmounts. */
  onExit(code: ExitCode): void;
}

type View =
  | { name: 'list' }
  | { name: 'choose'; recipe: PickerRecipe }
  | { name: 'build'; recipe: PickerRecipe; choice: BuildChoice };

/** `layerforge pick`: list → choose → build → publish or quit. */
export function PickerApp(props: PickerAppProps) {
  return (
    <ThemeContext.Provider value={{ noColor: props.noColor }}>
      <Picker {...props} />
    </ThemeContext.Provider>
  );
}

function Picker(props: PickerAppProps) {
  const { data, defaults, cwd } = props;
  const { exit } = useApp();
  const measured = useTerminalSize();
  const { columns, rows } = props.size ?? measured;
  const [view, setView] = useState<View>({ name: 'list' });
  const [filter, setFilter] = useState('');
  const [selected, setSelected] = useState(0);
  // Set by Ctrl-C (or a signal) during a job: the app exits with it once the job has stopped.
  const [exitWhenSettled, setExitWhenSettled] = useState<ExitCode | undefined>(undefined);
  const build = useBuildEvents(props.buildLayer, props.signal);
  const publish = usePublishEvents(props.publish, props.signal);
  const filtered = useMemo(() => filterRecipes(data.recipes, filter), [data.recipes, filter]);

  const buildBusy = build.state.phase === 'running' || build.state.phase === 'cancelling';
  const publishBusy = publish.state.phase === 'running';

  const exited = useRef(false);
  const quit = (code: ExitCode) => {
    if (exited.current) return;
    exited.current = true;
    props.onExit(code);
    exit();
  };

  const interrupt = () => {
    if ((buildBusy || publishBusy) && exitWhenSettled === undefined) {
      setExitWhenSettled(ExitCode.interrupted);
      build.cancel();
      publish.cancel();
      return;
    }
    // Not busy, or a second Ctrl-C while the job cleans up: stop now.
    quit(ExitCode.interrupted);
  };

  // The one input subscription: Ctrl-C is the app's, every other key goes to the active view.
  const keys = useRef<KeyHandler | undefined>(undefined);
  const onInterrupt = useLatest(interrupt);
  useInput((input, key) => {
    if (key.ctrl && input === 'c') onInterrupt.current();
    else keys.current?.(input, key);
  });

  useEffect(() => {
    if (exitWhenSettled !== undefined && !buildBusy && !publishBusy) quit(exitWhenSettled);
  });

  useEffect(() => {
    const signal = props.signal;
    if (!signal) return;
    const onAbort = () => setExitWhenSettled(ExitCode.interrupted);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort);
    return () => signal.removeEventListener('abort', onAbort);
  }, [props.signal]);

  /** q after a build: 0 when the layer (and any publish) succeeded, else the failure's code. */
  const quitAfterBuild = () => {
    if (build.state.phase === 'failed') return quit(build.state.failure?.exitCode ?? ExitCode.failure);
    if (publish.state.phase === 'failed' || publish.state.regions.some((r) => r.status === 'failed'))
      return quit(ExitCode.failure);
    quit(ExitCode.ok);
  };

  const renderView = () => {
    if (view.name === 'list') {
      return (
        <ListView
          recipes={filtered}
          total={data.recipes.length}
          invalid={data.invalid}
          filter={filter}
          selected={Math.min(selected, Math.max(0, filtered.length - 1))}
          columns={columns}
          rows={rows}
          onFilter={(next) => {
            setFilter(next);
            setSelected(0);
          }}
          onSelect={setSelected}
          onPick={(recipe) => setView({ name: 'choose', recipe })}
          onQuit={() => quit(ExitCode.ok)}
        />
      );
    }
    if (view.name === 'choose') {
      return (
        <ChooseView
          recipe={view.recipe}
          bases={data.bases}
          initial={initialChoice(view.recipe, data.bases, defaults)}
          onBack={() => setView({ name: 'list' })}
          onQuit={() => quit(ExitCode.ok)}
          onStart={(choice) => {
            setView({ name: 'build', recipe: view.recipe, choice });
            build.start({
              ...props.buildOptions,
              recipe: `${view.recipe.name}@${view.recipe.version}`,
              runtime: choice.runtime,
              arch: choice.arch,
              base: choice.base,
              test: choice.test,
            });
          }}
        />
      );
    }
    const { recipe, choice } = view;
    const region = props.defaultRegions?.split(/[\s,]+/).find((r) => r.length > 0);
    const finished = build.state.phase === 'done' || build.state.phase === 'failed';
    return (
      <Box flexDirection="column">
        <BuildView
          state={build.state}
          title={`${recipe.name} ${recipe.version} · ${choice.runtime} ${choice.arch} · base ${choice.base}`}
          withTest={choice.test}
          budgetMB={recipe.budgetMB}
          columns={columns}
          rows={rows}
          cwd={cwd}
          region={region}
        >
          {finished ? (
            <PublishPanel
              canPublish={props.publish !== undefined && build.state.phase === 'done'}
              state={publish.state}
              defaultRegions={props.defaultRegions ?? ''}
              onPublish={(regions) => build.state.done && publish.start(build.state.done.zipPath, regions)}
              onQuit={quitAfterBuild}
            />
          ) : null}
        </BuildView>
      </Box>
    );
  };
  return <KeysContext.Provider value={keys}>{renderView()}</KeysContext.Provider>;
}
