// jsconfig baseUrl, CommonJS
// path: js/routes/a.js
// expect: leak line 6 kind never-released
const pool = require('lib/db');
async function f() {
  const c = await pool.connect();
  await c.foo();
}
