CREATE TABLE `realtime_tickets` (
	`ticket_hash` text PRIMARY KEY NOT NULL,
	`session_token_hash` text NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`session_token_hash`) REFERENCES `sessions`(`token_hash`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `realtime_tickets_expires_at` ON `realtime_tickets` (`expires_at`);--> statement-breakpoint
ALTER TABLE `login_attempts` ADD `last_failure_at` integer DEFAULT 0 NOT NULL;