import type { Order } from './orders.js';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const money = (m: Order['amount']) => `${m.currency} ${(Number(m.minorUnits) / 100).toFixed(2)}`;

function page(title: string, body: string, refresh = false): string {
  return (
    `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title>` +
    (refresh ? '<meta http-equiv="refresh" content="2">' : '') +
    `</head><body><h1>${esc(title)}</h1>${body}</body></html>`
  );
}

/** The shop's front page: a form to order, and the orders so far. */
export function homePage(orders: Order[]): string {
  const rows = orders
    .map((o) => `<li><a href="/orders/${o.id}">${esc(o.item)}</a> ${money(o.amount)} <b>${o.state}</b></li>`)
    .join('');
  return page(
    'Coffee shop',
    '<form method="post" action="/orders">' +
      '<label>Your wallet <input name="payer" required></label> ' +
      '<label>Amount (minor units) <input name="amount" value="1250" required></label> ' +
      '<button>Order and pay with your phone</button></form>' +
      `<ul>${rows}</ul>`,
  );
}

/** One order's page; it reloads itself while the order is pending. */
export function orderPage(o: Order): string {
  const detail =
    o.state === 'PENDING'
      ? `<p>Confirm the payment on your phone (wallet ${esc(o.payer)}).</p>` +
        `<form method="post" action="/orders/${o.id}/check"><button>Check with DFS now</button></form>`
      : `<p>Transaction ${esc(o.transactionId ?? '')}${o.code ? ` (${esc(o.code)})` : ''}, learnt by ${o.via}.</p>`;
  return page(
    `Order ${o.id.slice(0, 8)}: ${o.state}`,
    `<p data-state="${o.state}">${esc(o.item)}, ${money(o.amount)}</p>${detail}<p><a href="/">Shop</a></p>`,
    o.state === 'PENDING',
  );
}
