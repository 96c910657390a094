// expect: leak line 9 kind never-released
const pool = require('./cjs');
const api = require('./named_object');
async function f() {
  const c = await pool.connect();
  api.put(c);
}
async function g() {
  const c = await pool.connect();
  api.look(c);
}
