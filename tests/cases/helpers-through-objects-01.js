// a relative require, an `import * as`, a default import of a CommonJS module
// expect: leak line 6 kind release-not-guaranteed via exception
const pool = require('./cjs');
const h = require('./objhelpers');
async function f() {
  const c = await pool.connect();
  await c.query('x');
  h.releaseAll(c);
}
