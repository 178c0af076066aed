/**
 * Upserts a batch of rows, each only when it is newer than the stored one: a later event time wins,
 * then a later created time (a missing created time loses); on a full tie the write wins. Run by Redis
 * as one script, so the compare and the replace are atomic (two writers racing cannot go back in time)
 * and readers see each batch whole.
 *
 * KEYS: one hash per row. ARGV, per row: event time, created time ('' = none), n, then n pairs of
 * (field, value); a null value has no field. A replaced row is deleted first, so a value that became
 * null leaves no old field behind. Returns how many rows were written.
 */
export const WRITE_SCRIPT = `
local a = 1
local written = 0
for i = 1, #KEYS do
  local key = KEYS[i]
  local event = ARGV[a]
  local created = ARGV[a + 1]
  local n = tonumber(ARGV[a + 2])
  local stored = redis.call('HMGET', key, 'e', 'c')
  local newer = true
  if stored[1] then
    local e, se = tonumber(event), tonumber(stored[1])
    if e < se then
      newer = false
    elseif e == se and stored[2] and (created == '' or tonumber(created) < tonumber(stored[2])) then
      newer = false
    end
  end
  if newer then
    redis.call('DEL', key)
    local fields = { 'e', event }
    if created ~= '' then
      fields[3] = 'c'
      fields[4] = created
    end
    local at = a + 3
    for j = 1, n do
      fields[#fields + 1] = ARGV[at]
      fields[#fields + 1] = ARGV[at + 1]
      at = at + 2
      if #fields >= 1000 then
        redis.call('HSET', key, unpack(fields))
        fields = {}
      end
    end
    if #fields > 0 then redis.call('HSET', key, unpack(fields)) end
    written = written + 1
  end
  a = a + 3 + 2 * n
end
return written
`;
