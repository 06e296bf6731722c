WITH
  `lapsing__history` AS (
    SELECT
      `user_id` AS user_id,
      MAX(`ts`) AS last_1
    FROM `shop`.`events`
    WHERE (`ts` <= timestampadd(MICROSECOND, unix_micros(current_timestamp()), TIMESTAMP_NTZ '1970-01-01 00:00:00'))
      AND (`event` = 'login')
    GROUP BY `user_id`
  )
SELECT u.`user_id` AS user_id
FROM `shop`.`users` AS u
LEFT JOIN `lapsing__history` AS h ON h.user_id = u.`user_id`
WHERE COALESCE((h.last_1 IS NOT NULL) AND (h.last_1 < (timestampadd(MICROSECOND, unix_micros(current_timestamp()), TIMESTAMP_NTZ '1970-01-01 00:00:00') - INTERVAL '21' DAY)), FALSE)
