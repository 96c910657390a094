// The inner `client` is another variable: releasing it does not give back
// the checkout of the outer one.
const { Pool } = require('pg');
const pool = new Pool();

async function migrate(legacy) {
  const client = await pool.connect();
  await client.query('BEGIN');
  if (legacy) {
    const client = legacy.client;
    client.release();
  }
}

module.exports = { migrate };
