import type { ConsoleTab } from '../context.js';
import { operatorTab } from './operator.js';
import { phonesTab } from './phones.js';
import { loadTab } from './load.js';
import { threatsTab } from './threats.js';

/**
 * The console's tabs, in the order the page shows them. A tab is one module here exporting a
 * ConsoleTab (its routes under /api/<id>/) and one custom element in web/tabs/ (listed in web/tabs.ts).
 */
export const TABS: readonly ConsoleTab[] = [phonesTab, operatorTab, threatsTab, loadTab];
