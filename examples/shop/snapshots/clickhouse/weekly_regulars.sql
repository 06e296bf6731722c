WITH
  "weekly_regulars__r1_buckets" AS (
    SELECT
      "user_id" AS user_id,
      intDiv(greatest((toUnixTimestamp64Micro(now64(6, 'UTC')) - toUnixTimestamp64Micro("ts")) - 1, 0), 604800000000) AS bucket,
      COUNT(*) AS hits
    FROM "shop"."events"
    WHERE ("ts" <= now64(6, 'UTC'))
      AND ("ts" >= (now64(6, 'UTC') - INTERVAL 28 DAY))
      AND ("event" = 'login')
    GROUP BY "user_id", intDiv(greatest((toUnixTimestamp64Micro(now64(6, 'UTC')) - toUnixTimestamp64Micro("ts")) - 1, 0), 604800000000)
  ),
  "weekly_regulars__r1" AS (
    SELECT
      user_id,
      COUNT(CASE WHEN hits >= 1 THEN 1 END) AS good,
      COUNT(*) AS busy
    FROM "weekly_regulars__r1_buckets"
    GROUP BY user_id
  )
SELECT u."user_id" AS user_id
FROM "shop"."users" AS u
LEFT JOIN "weekly_regulars__r1" AS r_1 ON r_1.user_id = u."user_id"
WHERE COALESCE(r_1.good, 0) >= 3
SETTINGS join_use_nulls = 1
