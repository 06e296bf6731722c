WITH
  `win_back__history` AS (
    SELECT
      `user_id` AS user_id,
      MAX(`ts`) FILTER (WHERE `event` = 'login') AS last_1,
      COUNT(*) FILTER (WHERE `event` = 'purchase') AS count_2
    FROM `shop`.`events`
    WHERE (`ts` <= timestampadd(MICROSECOND, unix_micros(current_timestamp()), TIMESTAMP_NTZ '1970-01-01 00:00:00'))
      AND (`user_id` IN (SELECT u.`user_id` FROM `shop`.`users` AS u WHERE COALESCE(u.`marketing_opt_in` = TRUE, FALSE)))
      AND (`event` IN ('login', 'purchase'))
    GROUP BY `user_id`
  )
SELECT u.`user_id` AS user_id
FROM `shop`.`users` AS u
LEFT JOIN `win_back__history` AS h ON h.user_id = u.`user_id`
WHERE COALESCE((h.last_1 IS NOT NULL) AND (h.last_1 < (timestampadd(MICROSECOND, unix_micros(current_timestamp()), TIMESTAMP_NTZ '1970-01-01 00:00:00') - INTERVAL '21' DAY)), FALSE)
  AND (COALESCE(h.count_2, 0) >= 2)
  AND COALESCE(u.`marketing_opt_in` = TRUE, FALSE)
