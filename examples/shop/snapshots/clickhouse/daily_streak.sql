WITH
  "daily_streak__r1_buckets" AS (
    SELECT
      "user_id" AS user_id,
      intDiv(greatest((toUnixTimestamp64Micro(now64(6, 'UTC')) - toUnixTimestamp64Micro("ts")) - 1, 0), 86400000000) AS bucket,
      COUNT(*) AS hits
    FROM "shop"."events"
    WHERE ("ts" <= now64(6, 'UTC'))
      AND ("ts" >= (now64(6, 'UTC') - INTERVAL 7 DAY))
      AND ("event" = 'login')
    GROUP BY "user_id", intDiv(greatest((toUnixTimestamp64Micro(now64(6, 'UTC')) - toUnixTimestamp64Micro("ts")) - 1, 0), 86400000000)
  ),
  "daily_streak__r1" AS (
    SELECT
      user_id,
      COUNT(CASE WHEN hits >= 1 THEN 1 END) AS good,
      COUNT(*) AS busy
    FROM "daily_streak__r1_buckets"
    GROUP BY user_id
  )
SELECT u."user_id" AS user_id
FROM "shop"."users" AS u
LEFT JOIN "daily_streak__r1" AS r_1 ON r_1.user_id = u."user_id"
WHERE COALESCE(r_1.good, 0) >= 7
SETTINGS join_use_nulls = 1
