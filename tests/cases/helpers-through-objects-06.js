// members written in place, nested objects, a module.exports = name of an object
// expect: clean
const pool = require('./cjs');
const h = require('./objhelpers');
async function f() {
  const c = await pool.connect();
  h.inline(c);
  h.db.done(c);
}
