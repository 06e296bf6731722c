WITH
  `spring_winback__history` AS (
    SELECT
      `user_id` AS user_id,
      MAX(`ts`) FILTER (WHERE `event` = 'login') AS last_1,
      COUNT(*) FILTER (WHERE `event` = 'purchase') AS count_2
    FROM `shop`.`events`
    WHERE (`ts` <= timestampadd(MICROSECOND, unix_micros(current_timestamp()), TIMESTAMP_NTZ '1970-01-01 00:00:00'))
      AND (`user_id` IN (SELECT u.`user_id` FROM `shop`.`users` AS u WHERE COALESCE(u.`marketing_opt_in` = TRUE, FALSE) AND COALESCE(u.`country` IN ('ZA', 'NG'), FALSE)))
      AND (`event` IN ('login', 'purchase'))
    GROUP BY `user_id`
  )
SELECT
  u.`user_id` AS user_id,
  (CAST(conv(substr(md5('spring-2026:' || CAST(u.`user_id` AS STRING)), 1, 8), 16, 10) AS BIGINT) % 10000) < 1000 AS holdout
FROM `shop`.`users` AS u
LEFT JOIN `spring_winback__history` AS h ON h.user_id = u.`user_id`
WHERE COALESCE((h.last_1 IS NOT NULL) AND (h.last_1 < (timestampadd(MICROSECOND, unix_micros(current_timestamp()), TIMESTAMP_NTZ '1970-01-01 00:00:00') - INTERVAL '21' DAY)), FALSE)
  AND (COALESCE(h.count_2, 0) >= 2)
  AND COALESCE(u.`marketing_opt_in` = TRUE, FALSE)
  AND COALESCE(u.`country` IN ('ZA', 'NG'), FALSE)
  AND (NOT (COALESCE(endswith(lower(translate(u.`email`, 'İΣ', 'iσ')), lower(translate('@example.com', 'İΣ', 'iσ'))), FALSE) OR COALESCE(u.`plan` = 'staff', FALSE)))
