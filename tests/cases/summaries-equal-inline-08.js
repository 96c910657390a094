// the release as a completion callback inside a helper of another file
// expect: clean
const pool = require('./cjs');
const { stop } = require('./cbhelpers');
async function f() {
  const c = await pool.connect();
  stop(c);
}
