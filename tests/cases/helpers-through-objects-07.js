// expect: leak line 5 kind never-released
const pool = require('./cjs');
const h = require('./objhelpers');
async function f() {
  const c = await pool.connect();
  h.db.keep(c);
}
