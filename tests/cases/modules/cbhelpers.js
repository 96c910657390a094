exports.stop = function (c) {
  c.query('ROLLBACK', () => c.release());
};
