// Preact + htm: components as tagged templates, no build step.
import htm from '/ui/lib/htm.js';
import { cloneElement, h, render } from '/ui/lib/preact.js';

export const html = htm.bind(h);
export { useCallback, useEffect, useMemo, useRef, useState } from '/ui/lib/hooks.js';
export { cloneElement, render };
