import './tabs/phones.js';
import './tabs/operator.js';
import './tabs/threats.js';
import './tabs/load.js';

/**
 * The page of each tab: the id the server's tab has (cli/console/tabs/index.ts) and the custom element
 * shown when it is selected. A new tab adds its element file under tabs/, imports it above and lists it here.
 */
export const TAB_ELEMENTS: Readonly<Record<string, string>> = {
  phones: 'dfs-phones',
  operator: 'dfs-operator',
  threats: 'dfs-threats',
  load: 'dfs-load',
};
