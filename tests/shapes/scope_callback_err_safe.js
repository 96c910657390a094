// The same with done() before the query's error branch.
const { Pool } = require('pg');
const pool = new Pool();

function load(id, cb) {
  pool.connect((err, client, done) => {
    if (err) return cb(err);
    client.query('SELECT * FROM t WHERE id = $1', [id], (err, res) => {
      done();
      if (err) return cb(err);
      cb(null, res.rows);
    });
  });
}

module.exports = { load };
