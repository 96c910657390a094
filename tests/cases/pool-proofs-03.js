// expect: leak line 4 kind discarded
const pool = require('./cjs');
async function f() {
  await pool.connect();
}
