function releaseAll(c) { c.release(); }
function keep(c) { return c.query('x'); }
module.exports = { releaseAll, keep, inline: (c) => c.release(),
  db: { done(c) { c.release(); }, keep: function (c) { c.query('y'); } } };
