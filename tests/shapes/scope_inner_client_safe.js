// The outer client released in finally, whatever the inner one does.
const { Pool } = require('pg');
const pool = new Pool();

async function migrate(legacy) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    if (legacy) {
      const client = legacy.client;
      client.release();
    }
  } finally {
    client.release();
  }
}

module.exports = { migrate };
