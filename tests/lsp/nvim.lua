-- tests/lsp/nvim.lua - a headless Neovim (0.7+) as the LSP client of tests/lsp.sh:
-- starts `pgleak-hook lsp`, opens PGLEAK_NVIM_FILE, waits for its diagnostics
-- and writes them to PGLEAK_NVIM_OUT, one "line:col:end_col:severity:code:source"
-- line and one message line per diagnostic ("timeout" when none came).
local out = vim.env.PGLEAK_NVIM_OUT
local id = vim.lsp.start_client({
  cmd = { vim.env.PGLEAK_BIN, 'lsp' },
  name = 'pgleak',
  root_dir = vim.fn.getcwd(),
})
vim.cmd('edit ' .. vim.fn.fnameescape(vim.env.PGLEAK_NVIM_FILE))
vim.lsp.buf_attach_client(0, id)
local got = vim.wait(15000, function() return #vim.diagnostic.get(0) > 0 end, 50)
local lines = {}
if not got then table.insert(lines, 'timeout') end
for _, d in ipairs(vim.diagnostic.get(0)) do
  local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
  table.insert(lines, string.format('%d:%d:%d:%d:%s:%s', d.lnum, d.col, d.end_col, d.severity,
    tostring(code), tostring(d.source)))
  table.insert(lines, d.message)
end
vim.fn.writefile(lines, out)
vim.lsp.stop_client(id)
vim.wait(2000, function() return vim.lsp.get_client_by_id(id) == nil end, 50)
vim.cmd('qa!')
