import { CREATED_FIELD, EVENT_FIELD } from './redis-keys.js';

/**
 * Upserts a batch of rows, each only when it is newer than the stored one: a later event time wins,
 * then a later created time (a missing created time loses); on a full tie the write wins. Run by Redis
 * as one script, so the compare and the replace are atomic (two writers racing cannot go back in time)
 * and readers see each batch whole.
 *
 * KEYS: one hash per row. ARGV: c, the c column names, then per row: event time, created time
 * ('' = none), a mask of c characters ('1' = the column has a value, '0' = null), then the values of
 * the columns marked '1'. A null value has no field; a replaced row is deleted first, so a value that
 * became null leaves no old field behind. Field names go once per call, not once per value: half the
 * arguments to encode. Returns how many rows were written.
 */
/** The name the script is defined under on the client. */
export const WRITE_COMMAND = 'tesseraWrite';

export const WRITE_SCRIPT = `
local c = tonumber(ARGV[1])
local a = c + 2
local written = 0
for i = 1, #KEYS do
  local key = KEYS[i]
  local event = ARGV[a]
  local created = ARGV[a + 1]
  local mask = ARGV[a + 2]
  a = a + 3
  local stored = redis.call('HMGET', key, '${EVENT_FIELD}', '${CREATED_FIELD}')
  local newer = true
  if stored[1] then
    local e, se = tonumber(event), tonumber(stored[1])
    if e < se then
      newer = false
    elseif e == se and stored[2] and (created == '' or tonumber(created) < tonumber(stored[2])) then
      newer = false
    end
  end
  local fields = nil
  if newer then
    redis.call('DEL', key)
    fields = { '${EVENT_FIELD}', event }
    if created ~= '' then
      fields[3] = '${CREATED_FIELD}'
      fields[4] = created
    end
  end
  for j = 1, c do
    if string.byte(mask, j) == 49 then
      if newer then
        fields[#fields + 1] = ARGV[j + 1]
        fields[#fields + 1] = ARGV[a]
        if #fields >= 1000 then
          redis.call('HSET', key, unpack(fields))
          fields = {}
        end
      end
      a = a + 1
    end
  end
  if newer then
    if #fields > 0 then redis.call('HSET', key, unpack(fields)) end
    written = written + 1
  end
end
return written
`;
