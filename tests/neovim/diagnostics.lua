-- Run by tests/neovim.rs after README's init.lua snippet has attached the server to the file
-- Neovim was started with: waits for its diagnostics, writes them to $FOUNDRY_LINT_OUT as
-- `LINE:COLUMN: CODE`, stops the servers and quits.
local out = assert(io.open(os.getenv('FOUNDRY_LINT_OUT'), 'w'))
if not vim.wait(60000, function() return #vim.diagnostic.get(0) > 0 end, 20) then
  out:write('FAILED: no diagnostics within 60 s\n')
  out:close()
  vim.cmd('cquit 1')
end
for _, d in ipairs(vim.diagnostic.get(0)) do
  local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
  out:write(string.format('%d:%d: %s\n', d.lnum + 1, d.col + 1, code))
end
out:close()
local clients = (vim.lsp.get_clients or vim.lsp.get_active_clients)()
vim.lsp.stop_client(clients)
vim.wait(10000, function()
  for _, client in ipairs(clients) do
    if not client.is_stopped() then return false end
  end
  return true
end, 20)
vim.cmd('qall!')
