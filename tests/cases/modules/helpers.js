export function done(c) { c.release(); }
export function maybe(c, x) { if (x) c.release(); }
export async function prep(c) { await c.query('SET x'); }
