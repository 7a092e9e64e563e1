import { useStdout } from 'ink';
import { useEffect, useState } from 'react';

interface Size {
  columns: number;
  rows: number;
}

function sizeOf(stdout: NodeJS.WriteStream): Size {
  // A stream that is not a terminal reports no size: lay out for the classic 80×24.
  return { columns: stdout.columns || 80, rows: stdout.rows || 24 };
}

/** The terminal's columns and rows, updated on resize. */
export function useTerminalSize(): Size {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => sizeOf(stdout));
  useEffect(() => {
    const onResize = () => setSize(sizeOf(stdout));
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}
