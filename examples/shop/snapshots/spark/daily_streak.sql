WITH
  `daily_streak__r1_buckets` AS (
    SELECT
      `user_id` AS user_id,
      GREATEST((unix_micros(current_timestamp()) - timestampdiff(MICROSECOND, TIMESTAMP_NTZ '1970-01-01 00:00:00', `ts`)) - 1, 0) div 86400000000 AS bucket,
      COUNT(*) AS hits
    FROM `shop`.`events`
    WHERE (`ts` <= timestampadd(MICROSECOND, unix_micros(current_timestamp()), TIMESTAMP_NTZ '1970-01-01 00:00:00'))
      AND (`ts` >= (timestampadd(MICROSECOND, unix_micros(current_timestamp()), TIMESTAMP_NTZ '1970-01-01 00:00:00') - INTERVAL '7' DAY))
      AND (`event` = 'login')
    GROUP BY `user_id`, GREATEST((unix_micros(current_timestamp()) - timestampdiff(MICROSECOND, TIMESTAMP_NTZ '1970-01-01 00:00:00', `ts`)) - 1, 0) div 86400000000
  ),
  `daily_streak__r1` AS (
    SELECT
      user_id,
      COUNT(*) FILTER (WHERE hits >= 1) AS good,
      COUNT(*) AS busy
    FROM `daily_streak__r1_buckets`
    GROUP BY user_id
  )
SELECT u.`user_id` AS user_id
FROM `shop`.`users` AS u
LEFT JOIN `daily_streak__r1` AS r_1 ON r_1.user_id = u.`user_id`
WHERE COALESCE(r_1.good, 0) >= 7
