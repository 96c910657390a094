-- tests/lsp/nvim_fix.lua - headless Neovim (0.7+) applying pgleak's code action
-- (tests/lsp.sh): starts `pgleak-hook lsp`, opens PGLEAK_NVIM_FILE, waits for its
-- diagnostics, asks for the code actions on the first one's line, applies the
-- quickfix's WorkspaceEdit with Neovim's own code and writes the buffer's lines
-- to PGLEAK_NVIM_OUT (or a line saying what did not happen).
local out = vim.env.PGLEAK_NVIM_OUT
local id = vim.lsp.start_client({
  cmd = { vim.env.PGLEAK_BIN, 'lsp' },
  name = 'pgleak',
  root_dir = vim.fn.getcwd(),
})
vim.cmd('edit ' .. vim.fn.fnameescape(vim.env.PGLEAK_NVIM_FILE))
vim.lsp.buf_attach_client(0, id)
local result = { 'timeout: no diagnostics' }
if vim.wait(15000, function() return #vim.diagnostic.get(0) > 0 end, 50) then
  local d = vim.diagnostic.get(0)[1]
  local params = {
    textDocument = vim.lsp.util.make_text_document_params(),
    range = { start = { line = d.lnum, character = 0 }, ['end'] = { line = d.lnum, character = 0 } },
    context = { diagnostics = {} },
  }
  local answers = vim.lsp.buf_request_sync(0, 'textDocument/codeAction', params, 10000) or {}
  result = { 'no code action' }
  for _, a in pairs(answers) do
    for _, action in ipairs(a.result or {}) do
      if action.kind == 'quickfix' and action.edit then
        vim.lsp.util.apply_workspace_edit(action.edit, 'utf-16')
        result = vim.api.nvim_buf_get_lines(0, 0, -1, false)
      end
    end
  end
end
vim.fn.writefile(result, out)
vim.lsp.stop_client(id)
vim.wait(2000, function() return vim.lsp.get_client_by_id(id) == nil end, 50)
vim.cmd('qa!')
