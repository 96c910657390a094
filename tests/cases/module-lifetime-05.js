// assigned in an init function, read by a CommonJS export
// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
let client;
async function init() {
  client = await pool.connect();
}
function q(s) {
  return client.query(s);
}
module.exports = { init, q };
