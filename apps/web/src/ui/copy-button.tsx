import { useState } from 'react';

/** Copies `value` to the clipboard and says whether it could; where it cannot, the user selects and copies it. */
export function CopyButton({ value, label = 'Copy' }: { value: string; label?: string }) {
  const [note, setNote] = useState<string | null>(null);

  async function copy() {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(value);
      setNote('Copied to the clipboard.');
    } catch {
      setNote('Could not copy automatically: select the text and copy it yourself.');
    }
  }

  return (
    <>
      <button type="button" onClick={() => void copy()}>
        {label}
      </button>
      {note && <span role="status">{note}</span>}
    </>
  );
}
