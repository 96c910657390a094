// The module's pg pool itself: its checkout is an acquisition, never released.
const { Pool } = require('pg');
const pool = new Pool();

async function subscribe(broker, topic) {
  const channel = await pool.connect();
  await channel.subscribe(topic);
}

module.exports = { subscribe };
