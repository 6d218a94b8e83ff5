-- Run by tests/neovim.rs: `nvim --headless -u NONE -i NONE -n -c 'luafile attach.lua'`.
-- Attaches `foundry-lint server` ($FOUNDRY_LINT) to $FOUNDRY_LINT_FILE the way an init.lua does,
-- prints the diagnostics Neovim stored for that buffer, then inserts the line
-- $FOUNDRY_LINT_INSERT above line $FOUNDRY_LINT_AT and prints them again. The lines go to
-- $FOUNDRY_LINT_OUT: `LINE:COLUMN: CODE SEVERITY MESSAGE`, as the concise report writes them.
-- start_client and buf_attach_client are the API every Neovim from 0.7 on has (vim.lsp.start
-- came in 0.8).

local out = assert(io.open(os.getenv('FOUNDRY_LINT_OUT'), 'w'))

local function fail(message)
  out:write('FAILED: ' .. message .. '\n')
  out:close()
  vim.cmd('cquit 1')
end

local file = os.getenv('FOUNDRY_LINT_FILE')
vim.cmd('edit ' .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()

-- Each publication for this buffer counts; the test waits for the next one.
local published = 0
local client = vim.lsp.start_client({
  name = 'foundry-lint',
  cmd = { os.getenv('FOUNDRY_LINT'), 'server' },
  root_dir = vim.fn.fnamemodify(file, ':h'),
  handlers = {
    ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
      vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, config)
      if vim.uri_to_bufnr(result.uri) == buf then
        published = published + 1
      end
    end,
  },
})
if not client then
  fail('the server did not start')
end
vim.lsp.buf_attach_client(buf, client)

local severity = { [1] = 'error', [2] = 'warning', [3] = 'note', [4] = 'note' }

local function report(heading, seen)
  if not vim.wait(60000, function() return published > seen end, 20) then
    fail('no diagnostics for ' .. file .. ' within 60 s')
  end
  out:write(heading .. '\n')
  local diagnostics = vim.diagnostic.get(buf)
  table.sort(diagnostics, function(a, b)
    if a.lnum ~= b.lnum then return a.lnum < b.lnum end
    if a.col ~= b.col then return a.col < b.col end
    return tostring(a.code) < tostring(b.code)
  end)
  for _, d in ipairs(diagnostics) do
    -- Neovim 0.7 keeps the code under user_data; later versions at the top level too.
    local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
    out:write(string.format('%d:%d: %s %s %s\n', d.lnum + 1, d.col + 1, code,
      severity[d.severity], d.message))
  end
end

report('opened', 0)
local seen = published
local at = tonumber(os.getenv('FOUNDRY_LINT_AT'))
vim.api.nvim_buf_set_lines(buf, at - 1, at - 1, true, { os.getenv('FOUNDRY_LINT_INSERT') })
report('changed', seen)

out:close()
-- Shutdown, exit, and the server gone before Neovim quits.
vim.lsp.stop_client(client)
if not vim.wait(10000, function() return vim.lsp.client_is_stopped(client) end, 20) then
  fail('the server did not stop')
end
vim.cmd('qall!')
