-- End-to-end test of iam-ls in a real, headless Neovim. Run by tests/tests/neovim.rs:
--
--   nvim --headless --clean -n -i NONE --cmd 'lua vim.g.do_filetype_lua = 1' \
--        -c 'luafile tests/editors/neovim/e2e.lua'
--
-- Environment:
--   IAM_LS_FIXTURES    the fixture workspace (tests/editors/workspace)
--   IAM_LS_NVIM_SETUP  a Lua file with the client configuration to load (the README's, extracted
--                      verbatim by the Rust test), or `start_client` for Neovim 0.7, which has no
--                      vim.lsp.start: the same set-up written with vim.lsp.start_client
--   PATH               must lead to the `iam-ls` under test
--
-- Each step prints `ok <step> (<ms> ms)`. The first failure prints what went wrong, then the
-- editor's own evidence (`:messages`, the attached clients, the diagnostics, the tail of the LSP
-- log, which holds the server's stderr) and exits with status 1. Success ends with `ALL OK`.

local uv = vim.uv or vim.loop
local started = uv.hrtime()
local fixtures = assert(os.getenv('IAM_LS_FIXTURES'), 'IAM_LS_FIXTURES is not set')
local setup = assert(os.getenv('IAM_LS_NVIM_SETUP'), 'IAM_LS_NVIM_SETUP is not set')
local TIMEOUT = 10000
local CLIENT_NAME = 'iam_ls'

local function out(text)
  io.stdout:write(text, '\n')
  io.stdout:flush()
end

local function version_string()
  local v = vim.version()
  return string.format('%d.%d.%d', v.major, v.minor, v.patch)
end

local function clients_of(buf)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = buf, name = CLIENT_NAME })
  end
  local found = {}
  for _, c in pairs(vim.lsp.buf_get_clients(buf)) do
    if c.name == CLIENT_NAME then
      table.insert(found, c)
    end
  end
  return found
end

local function tail(path, lines)
  local f = io.open(path, 'r')
  if not f then
    return '(no file ' .. path .. ')'
  end
  local all = {}
  for line in f:lines() do
    table.insert(all, line)
  end
  f:close()
  local from = math.max(1, #all - lines + 1)
  return table.concat(all, '\n', from)
end

local function diag_code(d)
  if d.code ~= nil then
    return tostring(d.code)
  end
  local lsp = d.user_data and d.user_data.lsp
  return lsp and lsp.code and tostring(lsp.code) or ''
end

local function describe_diagnostics()
  local lines = {}
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      table.insert(
        lines,
        string.format(
          '  %s:%d:%d [%s] %s',
          vim.fn.fnamemodify(vim.api.nvim_buf_get_name(buf), ':t'),
          d.lnum + 1,
          d.col + 1,
          diag_code(d),
          d.message
        )
      )
    end
  end
  return #lines > 0 and table.concat(lines, '\n') or '  (none)'
end

local function log_path()
  if vim.lsp.log and vim.lsp.log.get_filename then
    return vim.lsp.log.get_filename()
  end
  return vim.lsp.get_log_path()
end

local function fail(msg)
  out('FAIL: ' .. msg)
  out('--- nvim ' .. version_string() .. ', setup: ' .. setup)
  out('--- :messages')
  out(vim.fn.execute('messages'))
  out('--- clients')
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    local names = {}
    for _, c in ipairs(clients_of(buf)) do
      table.insert(names, c.name .. '#' .. c.id)
    end
    out(string.format('  %s: %s', vim.api.nvim_buf_get_name(buf), table.concat(names, ', ')))
  end
  out('--- diagnostics')
  out(describe_diagnostics())
  out('--- LSP log (' .. log_path() .. ')')
  out(tail(log_path(), 40))
  os.exit(1)
end

local function check(cond, msg)
  if not cond then
    fail(msg)
  end
end

local function wait(what, cond)
  if not vim.wait(TIMEOUT, cond, 10) then
    fail('timed out after ' .. TIMEOUT .. ' ms waiting for ' .. what)
  end
end

local step_started = uv.hrtime()
local function ok(step)
  local now = uv.hrtime()
  out(string.format('ok %s (%d ms)', step, (now - step_started) / 1e6))
  step_started = now
end

-- The client configuration under test.
local function load_setup()
  if setup ~= 'start_client' then
    dofile(setup)
    return
  end
  -- Neovim 0.7: what the README's 0.9/0.10 configuration does, with the 0.7 API.
  vim.filetype.add({ extension = { log = 'log', tf = 'terraform' } })
  local client_id
  vim.api.nvim_create_autocmd('FileType', {
    pattern = { 'json', 'jsonc', 'log', 'yaml', 'terraform' },
    callback = function(args)
      if client_id == nil then
        local name = vim.api.nvim_buf_get_name(args.buf)
        local root = vim.fn.fnamemodify(vim.fn.findfile('iam-ls.toml', vim.fn.fnamemodify(name, ':h') .. ';'), ':p:h')
        client_id = vim.lsp.start_client({
          name = CLIENT_NAME,
          cmd = { 'iam-ls' },
          root_dir = root,
          workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
        })
      end
      vim.lsp.buf_attach_client(args.buf, client_id)
    end,
  })
end

local function open(relative)
  vim.cmd('edit ' .. vim.fn.fnameescape(fixtures .. '/' .. relative))
  local buf = vim.api.nvim_get_current_buf()
  wait('iam_ls to attach to ' .. relative .. ' (filetype "' .. vim.bo[buf].filetype .. '")', function()
    return #clients_of(buf) > 0
  end)
  return buf
end

local function find_diag(buf, code)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if diag_code(d) == code then
      return d
    end
  end
  return nil
end

-- 0-based line and byte column of the first `text` in the buffer (columns are UTF-16 positions
-- too: the fixtures are ASCII).
local function locate(buf, text)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local col = line:find(text, 1, true)
    if col then
      return i - 1, col - 1
    end
  end
  fail('fixture text not found: ' .. text)
end

local function request(buf, method, params)
  local responses, err = vim.lsp.buf_request_sync(buf, method, params, TIMEOUT)
  check(responses ~= nil, method .. ' got no answer: ' .. tostring(err))
  for id, response in pairs(responses) do
    local client = vim.lsp.get_client_by_id(id)
    if client and client.name == CLIENT_NAME then
      -- `err` since 0.8, `error` in 0.7.
      local err = response.err or response.error
      check(err == nil, method .. ' failed: ' .. vim.inspect(err))
      return response.result
    end
  end
  fail(method .. ': no answer from ' .. CLIENT_NAME)
end

local function position_params(buf, line, col)
  return { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = line, character = col } }
end

local function hover_text(result)
  check(result ~= nil and result.contents ~= nil, 'hover returned nothing')
  local c = result.contents
  if type(c) == 'string' then
    return c
  end
  if c.value then
    return c.value
  end
  local parts = {}
  for _, item in ipairs(c) do
    table.insert(parts, type(item) == 'string' and item or item.value)
  end
  return table.concat(parts, '\n')
end

-- Hover through the editor's own UI: vim.lsp.buf.hover() must open a floating window with text.
local function hover_float(buf, line, col, expect)
  vim.api.nvim_set_current_buf(buf)
  vim.api.nvim_win_set_cursor(0, { line + 1, col })
  local main_win = vim.api.nvim_get_current_win()
  vim.lsp.buf.hover()
  local text
  wait('the hover window', function()
    for _, win in ipairs(vim.api.nvim_list_wins()) do
      if win ~= main_win and vim.api.nvim_win_get_config(win).relative ~= '' then
        local lines = vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(win), 0, -1, false)
        text = table.concat(lines, '\n')
        return true
      end
    end
    return false
  end)
  check(text:find(expect, 1, true) ~= nil, 'the hover window does not show "' .. expect .. '":\n' .. text)
  -- Close the float so the next step starts clean.
  for _, win in ipairs(vim.api.nvim_list_wins()) do
    if win ~= main_win and vim.api.nvim_win_get_config(win).relative ~= '' then
      vim.api.nvim_win_close(win, true)
    end
  end
end

-- The sorted codes of a buffer's diagnostics, once `code` has arrived.
local function codes_once(buf, code, what)
  wait('diagnostic ' .. code .. ' in ' .. what, function()
    return find_diag(buf, code) ~= nil
  end)
  local codes = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(codes, diag_code(d))
  end
  table.sort(codes)
  return table.concat(codes, ' ')
end

-- A template with a typo (`IAM102`) at `needle` (+ `lead` bytes): the diagnostic is there, with the
-- same codes as the standalone version of its policies, and none on a line holding a reference.
local function template_matches_standalone(relative, filetype, line_text, needle, standalone, references)
  local buf = open(relative)
  check(vim.bo[buf].filetype == filetype,
    relative .. ' should have filetype ' .. filetype .. ', has ' .. vim.bo[buf].filetype)
  local got = codes_once(buf, 'IAM102', relative)
  local typo = find_diag(buf, 'IAM102')
  local line, col = locate(buf, line_text)
  col = col + line_text:find(needle, 1, true) - 1
  check(typo.lnum == line and typo.col == col and typo.end_col == col + #needle,
    string.format('IAM102 should cover %s at %d:%d, is at %d:%d-%d', needle, line + 1, col + 1,
      typo.lnum + 1, typo.col + 1, typo.end_col + 1))
  check(typo.severity == vim.diagnostic.severity.ERROR, 'IAM102 should be an error: ' .. vim.inspect(typo))
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local text = vim.api.nvim_buf_get_lines(buf, d.lnum, d.lnum + 1, false)[1] or ''
    for _, r in ipairs(references) do
      check(text:find(r, 1, true) == nil,
        'a diagnostic on a line with a reference (' .. r .. '): ' .. diag_code(d) .. ' ' .. d.message)
    end
  end
  local alone = open(standalone)
  local expected = codes_once(alone, 'IAM102', standalone)
  check(got == expected, relative .. ' shows [' .. got .. '], its standalone policy [' .. expected .. ']')
end

local function run()
  out('nvim ' .. version_string() .. ', setup: ' .. setup)
  load_setup()

  -- 1. A policy with a denial trap: the diagnostic arrives.
  local scp = open('scps/region-lock.json')
  wait('diagnostic IAM901 (region lock blocks global services) in scps/region-lock.json', function()
    return find_diag(scp, 'IAM901') ~= nil
  end)
  local trap = find_diag(scp, 'IAM901')
  check(trap.severity == vim.diagnostic.severity.WARN, 'IAM901 should be a warning: ' .. vim.inspect(trap))
  check(trap.message:find('iam', 1, true) ~= nil or trap.message:find('IAM', 1, true) ~= nil,
    'IAM901 should name IAM among the blocked services: ' .. trap.message)
  ok('trap diagnostic')

  -- 2. Hover on an action: its description.
  local policy = open('policies/reports.json')
  wait('diagnostic IAM010 (invalid effect) in policies/reports.json', function()
    return find_diag(policy, 'IAM010') ~= nil
  end)
  local line, col = locate(policy, 's3:GetObject')
  local hover = hover_text(request(policy, 'textDocument/hover', position_params(policy, line, col + 4)))
  check(hover:find('GetObject', 1, true) ~= nil, 'hover on s3:GetObject does not name it:\n' .. hover)
  check(hover:lower():find('retrieve', 1, true) ~= nil or hover:lower():find('object', 1, true) ~= nil,
    'hover on s3:GetObject has no description:\n' .. hover)
  hover_float(policy, line, col + 4, 'GetObject')
  ok('hover on an action')

  -- 3. The quick fix: applied, the diagnostic goes away.
  local bad = find_diag(policy, 'IAM010')
  vim.api.nvim_win_set_cursor(0, { bad.lnum + 1, bad.col })
  -- The diagnostics of the line in LSP form, as the editor itself sends them.
  local lsp_diags = {}
  for _, d in ipairs(vim.diagnostic.get(policy, { lnum = bad.lnum })) do
    table.insert(lsp_diags, {
      range = {
        start = { line = d.lnum, character = d.col },
        ['end'] = { line = d.end_lnum, character = d.end_col },
      },
      severity = d.severity,
      message = d.message,
      source = d.source,
      code = diag_code(d),
    })
  end
  local action_params = {
    textDocument = { uri = vim.uri_from_bufnr(policy) },
    range = {
      start = { line = bad.lnum, character = bad.col },
      ['end'] = { line = bad.end_lnum, character = bad.end_col },
    },
    context = { diagnostics = lsp_diags },
  }
  local actions = request(policy, 'textDocument/codeAction', action_params)
  check(actions ~= nil and #actions > 0,
    'no code action offered on IAM010 for ' .. vim.inspect(action_params) .. ', got ' .. vim.inspect(actions))
  local fix
  for _, a in ipairs(actions) do
    if a.title and a.title:find('Allow', 1, true) then
      fix = a
    end
  end
  check(fix ~= nil, 'no quick fix mentioning Allow among: ' .. vim.inspect(actions))
  if vim.fn.has('nvim-0.8') == 1 then
    -- The editor's own code action command, applying the one matching action.
    vim.lsp.buf.code_action({
      apply = true,
      filter = function(a)
        return a.title == fix.title
      end,
    })
  else
    vim.lsp.util.apply_workspace_edit(fix.edit, 'utf-16')
  end
  wait('the quick fix to change the text', function()
    return table.concat(vim.api.nvim_buf_get_lines(policy, 0, -1, false), '\n'):find('"Allow"', 1, true) ~= nil
  end)
  wait('IAM010 to go away after the quick fix', function()
    return find_diag(policy, 'IAM010') == nil
  end)
  ok('quick fix')

  -- 4. Completion after `"s3:Get`: s3:GetObject is offered.
  local lb_line = locate(policy, '"s3:ListBucket"')
  local current = vim.api.nvim_buf_get_lines(policy, lb_line, lb_line + 1, false)[1]
  local indent = current:match('^%s*')
  vim.api.nvim_buf_set_lines(policy, lb_line, lb_line + 1, false, { indent .. '"s3:Get' })
  local typed_col = #indent + #'"s3:Get'
  local completion = request(policy, 'textDocument/completion', {
    textDocument = { uri = vim.uri_from_bufnr(policy) },
    position = { line = lb_line, character = typed_col },
    context = { triggerKind = 1 },
  })
  check(completion ~= nil, 'completion returned nothing')
  local items = completion.items or completion
  local labels = {}
  local offered = false
  for _, item in ipairs(items) do
    table.insert(labels, item.label)
    if item.label == 's3:GetObject' then
      offered = true
    end
  end
  check(offered, 'completion after "s3:Get does not offer s3:GetObject; got: ' .. table.concat(labels, ', ', 1, math.min(#labels, 20)))
  ok('completion')

  -- 5. A log file: hover on the AccessDenied line explains it.
  local log = open('logs/app.log')
  check(vim.bo[log].filetype == 'log', 'app.log should have filetype log, has ' .. vim.bo[log].filetype)
  local l, c = locate(log, 'is not authorized to perform: s3:PutObject')
  local explained = hover_text(request(log, 'textDocument/hover', position_params(log, l, c + 3)))
  check(explained:lower():find('service control polic', 1, true) ~= nil,
    'hover on the AccessDenied line does not explain the SCP denial:\n' .. explained)
  ok('hover on an AccessDenied log line')

  -- 6-7. Policies inside CloudFormation YAML and JSON templates and a Terraform file: the findings their
  -- standalone versions show, on the template's own lines, none from an intrinsic function.
  template_matches_standalone('templates/stack.yaml', 'yaml', '- s3:GetObjet', 's3:GetObjet',
    'templates/standalone/stack-app.json', { '!Sub', '!GetAtt', '!Ref' })
  ok('CloudFormation YAML template')
  template_matches_standalone('templates/stack.json', 'json', '"Action": ["s3:GetObjet"]', '"s3:GetObjet"',
    'templates/standalone/stack-app.json', { 'Fn::Sub', 'Fn::GetAtt', '"Ref"' })
  ok('CloudFormation JSON template')
  template_matches_standalone('templates/main.tf', 'terraform', '"s3:GetObjet"', '"s3:GetObjet"',
    'templates/standalone/main-app.json', { '${aws_s3_bucket', 'aws_s3_bucket.data.arn' })
  ok('Terraform file')

  -- 8. YAML that is not a template: the server is attached but says nothing.
  local plain = open('templates/settings.yaml')
  check(vim.bo[plain].filetype == 'yaml', 'settings.yaml should have filetype yaml, has ' .. vim.bo[plain].filetype)
  -- A request answered means the server has handled the didOpen before it.
  request(plain, 'textDocument/hover', position_params(plain, locate(plain, 's3:GetObjet')))
  vim.wait(300)
  check(#vim.diagnostic.get(plain) == 0, 'diagnostics on YAML that is not a template:\n' .. describe_diagnostics())
  ok('silent on YAML that is not a template')

  out(string.format('ALL OK (%d ms)', (uv.hrtime() - started) / 1e6))
end

local success, err = xpcall(run, debug.traceback)
if not success then
  fail('error in the test script: ' .. tostring(err))
end
-- Stop the server cleanly (shutdown + exit) before leaving.
local function all_clients()
  return vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()
end
for _, client in ipairs(all_clients()) do
  client.stop()
end
vim.wait(2000, function()
  return #all_clients() == 0
end, 10)
os.exit(0)
