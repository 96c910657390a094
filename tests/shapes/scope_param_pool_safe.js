// A parameter named `pool` shadows the module's pg pool: what the caller
// passes is some other broker, whose connect() result is not a pool client.
const { Pool } = require('pg');
const pool = new Pool();

async function subscribe(pool, topic) {
  const channel = await pool.connect();
  await channel.subscribe(topic);
}

async function count() {
  const { rows } = await pool.query('SELECT count(*) FROM t');
  return rows[0].count;
}

module.exports = { subscribe, count };
