// The query callback's `err` shadows the connect callback's: when the query
// fails, the client is still held and this path returns without done().
const { Pool } = require('pg');
const pool = new Pool();

function load(id, cb) {
  pool.connect((err, client, done) => {
    if (err) return cb(err);
    client.query('SELECT * FROM t WHERE id = $1', [id], (err, res) => {
      if (err) return cb(err);
      done();
      cb(null, res.rows);
    });
  });
}

module.exports = { load };
