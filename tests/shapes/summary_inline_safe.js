// Summaries equal inline code (semantics v2 §7): the helper releases through
// the query's completion callback, and `debug` hands the client back, so
// the caller's own release is the one that counts.
const { Pool } = require('pg');
const pool = new Pool();

function rollback(client, done) {
  client.query('ROLLBACK', (err) => done(err));
}

function debug(client) {
  console.log('client', client.processID);
  return client;
}

function transfer(from, to, cb) {
  pool.connect((err, client, done) => {
    if (err) return cb(err);
    client.query('BEGIN', (e1) => {
      if (e1) {
        rollback(client, done);
        return cb(e1);
      }
      client.query('UPDATE accounts SET n = n - 1 WHERE id = $1', [from], (e2) => {
        if (e2) {
          rollback(client, done);
          return cb(e2);
        }
        client.query('COMMIT', done);
        cb(null);
      });
    });
  });
}

async function count() {
  const client = await pool.connect();
  try {
    const c = debug(client);
    return await c.query('SELECT count(*) FROM accounts');
  } finally {
    client.release();
  }
}

module.exports = { transfer, count };
