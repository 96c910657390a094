// `debug` returns the client it is given: that is not a hand-over, so the
// caller still owns the client, and nothing releases it.
const { Pool } = require('pg');
const pool = new Pool();

function debug(client) {
  console.log('client', client.processID);
  return client;
}

async function count() {
  const client = await pool.connect();
  const c = debug(client);
  return c.query('SELECT count(*) FROM accounts');
}

module.exports = { count };
