# The Lambda Runtime API loop for R handlers: /opt/bootstrap runs this file with the layer's
# Rscript. One R process serves every invocation of the execution environment.
#
# _HANDLER is "file.function": file.R in $LAMBDA_TASK_ROOT is sourced once, then the function is
# called for each event as handler(event) or handler(event, context). The event is the request's
# JSON parsed by jsonlite (arrays of scalars become vectors; objects and arrays of objects stay
# lists); the value returned is sent back as JSON (a value of class "json" is sent as it is).
# A condition signalled by the handler is posted as {errorMessage, errorType, stackTrace}.
#
# Base R has no HTTP client that can POST without libcurl's upload support, so the few requests
# the Runtime API needs are written by hand on a socket connection: HTTP/1.1, one connection per
# request ("Connection: close"), bodies with Content-Length or chunked transfer encoding.

local({
  api <- Sys.getenv("AWS_LAMBDA_RUNTIME_API")
  if (!nzchar(api)) {
    message("AWS_LAMBDA_RUNTIME_API is not set: this bootstrap runs inside Lambda (or an emulator)")
    quit(save = "no", status = 1)
  }
  host_port <- strsplit(api, ":", fixed = TRUE)[[1]]
  api_host <- host_port[[1]]
  api_port <- if (length(host_port) > 1) as.integer(host_port[[2]]) else 80L
  base <- "/2018-06-01/runtime"
  # /invocation/next blocks until an event arrives; the environment may wait frozen for long.
  wait_seconds <- 365L * 24L * 3600L

  `%||%` <- function(a, b) if (is.null(a) || length(a) == 0 || is.na(a)) b else a
  header_value <- function(header, name) if (name %in% names(header)) header[[name]] else NULL

  dechunk <- function(body) {
    out <- list()
    pos <- 1L
    repeat {
      rest <- body[pos:length(body)]
      eol <- grepRaw("\r\n", rest, fixed = TRUE)
      if (length(eol) == 0) stop("malformed chunked body from the Runtime API")
      size_text <- sub(";.*$", "", rawToChar(rest[seq_len(eol - 1L)]))
      size <- strtoi(trimws(size_text), 16L)
      if (is.na(size)) stop("malformed chunk size from the Runtime API")
      if (size == 0L) break
      start <- pos + eol + 1L
      out[[length(out) + 1L]] <- body[start:(start + size - 1L)]
      pos <- start + size + 2L
    }
    if (length(out) == 0) raw() else do.call(c, out)
  }

  http <- function(method, path, body = NULL, headers = character()) {
    con <- socketConnection(api_host, api_port, open = "r+b", blocking = TRUE, timeout = wait_seconds)
    on.exit(close(con))
    payload <- if (is.null(body)) raw() else charToRaw(enc2utf8(body))
    lines <- c(
      sprintf("%s %s HTTP/1.1", method, path),
      sprintf("Host: %s", api),
      "Connection: close",
      "Content-Type: application/json",
      sprintf("Content-Length: %d", length(payload)),
      if (length(headers)) sprintf("%s: %s", names(headers), headers)
    )
    writeBin(c(charToRaw(paste0(paste(lines, collapse = "\r\n"), "\r\n\r\n")), payload), con)
    flush(con)
    parts <- list()
    repeat {
      chunk <- readBin(con, "raw", 65536L)
      if (length(chunk) == 0) break
      parts[[length(parts) + 1L]] <- chunk
    }
    response <- if (length(parts)) do.call(c, parts) else raw()
    split <- grepRaw("\r\n\r\n", response, fixed = TRUE)
    if (length(split) == 0) stop(sprintf("no HTTP response from the Runtime API for %s %s", method, path))
    head <- strsplit(rawToChar(response[seq_len(split - 1L)]), "\r\n", fixed = TRUE)[[1]]
    status <- as.integer(strsplit(head[[1]], " ", fixed = TRUE)[[1]][[2]])
    fields <- head[-1]
    colon <- regexpr(":", fields, fixed = TRUE)
    header <- setNames(trimws(substring(fields, colon + 1L)), tolower(substr(fields, 1L, colon - 1L)))
    body <- if (length(response) > split + 3L) response[(split + 4L):length(response)] else raw()
    if (identical(tolower(header_value(header, "transfer-encoding") %||% ""), "chunked")) {
      body <- dechunk(body)
    } else if (!is.null(header_value(header, "content-length"))) {
      body <- body[seq_len(as.integer(header_value(header, "content-length")))]
    }
    text <- rawToChar(body)
    Encoding(text) <- "UTF-8"
    list(status = status, header = header, body = text)
  }


  to_json <- function(value) {
    if (inherits(value, "json")) return(as.character(value))
    as.character(jsonlite::toJSON(value, auto_unbox = TRUE, null = "null", na = "null", digits = NA))
  }

  # The calls from the handler down to where the condition was signalled, without the runtime's
  # own frames: the last call is the calling handler that recorded them, and stop("...") adds
  # R's .handleSimpleError().
  error_body <- function(condition, calls = NULL) {
    calls <- utils::head(calls, -1L)
    trace <- vapply(calls, function(call) substr(paste(trimws(deparse(call, width.cutoff = 500L)), collapse = " "), 1L, 200L), "")
    from <- match(TRUE, startsWith(trace, "handler("), nomatch = 1L)
    trace <- trace[seq_along(trace) >= from & !startsWith(trace, ".handleSimpleError(")]
    to_json(list(
      errorMessage = conditionMessage(condition),
      errorType = class(condition)[[1]],
      stackTrace = I(utils::head(trace, 20L))
    ))
  }

  post <- function(path, body, headers = character()) {
    reply <- http("POST", path, body, headers)
    if (reply$status >= 300) message(sprintf("Runtime API answered %d to POST %s: %s", reply$status, path, reply$body))
    invisible(reply)
  }

  init_error <- function(message, type) {
    message(sprintf("%s: %s", type, message))
    post(
      paste0(base, "/init/error"),
      to_json(list(errorMessage = message, errorType = type, stackTrace = I(character()))),
      c("Lambda-Runtime-Function-Error-Type" = type)
    )
    quit(save = "no", status = 1)
  }

  # Load the handler once, before the first event.
  handler_spec <- Sys.getenv("_HANDLER")
  task_root <- Sys.getenv("LAMBDA_TASK_ROOT", "/var/task")
  dot <- regexpr("\\.[^.]*$", handler_spec)
  if (!nzchar(handler_spec) || dot < 2L) {
    init_error(sprintf("_HANDLER \"%s\" is not of the form file.function", handler_spec), "Runtime.MalformedHandlerName")
  }
  file_stem <- substr(handler_spec, 1L, dot - 1L)
  function_name <- substring(handler_spec, dot + 1L)
  candidates <- file.path(task_root, paste0(file_stem, c(".R", ".r", "")))
  handler_file <- candidates[file.exists(candidates) & !dir.exists(candidates)][1]
  if (is.na(handler_file)) {
    init_error(sprintf("no file %s.R in %s for handler %s", file_stem, task_root, handler_spec), "Runtime.HandlerNotFound")
  }
  setwd(task_root)
  handler_env <- new.env(parent = globalenv())
  tryCatch(
    sys.source(handler_file, envir = handler_env, keep.source = FALSE),
    error = function(e) {
      init_error(sprintf("sourcing %s failed: %s", basename(handler_file), conditionMessage(e)), "Runtime.UserCodeError")
    }
  )
  handler <- get0(function_name, envir = handler_env, mode = "function", inherits = FALSE)
  if (is.null(handler)) {
    init_error(sprintf("%s defines no function %s", basename(handler_file), function_name), "Runtime.HandlerNotFound")
  }
  takes_context <- "..." %in% names(formals(handler)) || length(formals(handler)) >= 2L

  repeat {
    next_event <- http("GET", paste0(base, "/invocation/next"))
    if (next_event$status != 200L) stop(sprintf("Runtime API answered %d to GET /invocation/next", next_event$status))
    header <- next_event$header
    request_id <- header_value(header, "lambda-runtime-aws-request-id")
    if (is.null(request_id)) stop("the Runtime API sent an event without Lambda-Runtime-Aws-Request-Id")
    trace_id <- header_value(header, "lambda-runtime-trace-id")
    if (!is.null(trace_id)) Sys.setenv("_X_AMZN_TRACE_ID" = trace_id) else Sys.unsetenv("_X_AMZN_TRACE_ID")
    deadline_ms <- as.numeric(header_value(header, "lambda-runtime-deadline-ms") %||% NA)
    context <- list(
      aws_request_id = request_id,
      invoked_function_arn = header_value(header, "lambda-runtime-invoked-function-arn"),
      deadline_ms = deadline_ms,
      trace_id = trace_id,
      client_context = header_value(header, "lambda-runtime-client-context"),
      identity = header_value(header, "lambda-runtime-cognito-identity"),
      get_remaining_time_ms = function() deadline_ms - as.numeric(Sys.time()) * 1000
    )
    invocation <- paste0(base, "/invocation/", request_id)

    calls <- NULL
    outcome <- tryCatch(
      withCallingHandlers(
        {
          event <- if (nzchar(next_event$body)) {
            jsonlite::fromJSON(next_event$body, simplifyVector = TRUE, simplifyDataFrame = FALSE, simplifyMatrix = FALSE)
          } else {
            NULL
          }
          value <- if (takes_context) handler(event, context) else handler(event)
          list(ok = TRUE, body = to_json(value))
        },
        error = function(e) calls <<- sys.calls()
      ),
      error = function(e) list(ok = FALSE, condition = e)
    )
    if (outcome$ok) {
      post(paste0(invocation, "/response"), outcome$body)
    } else {
      condition <- outcome$condition
      message(sprintf("%s: %s", class(condition)[[1]], conditionMessage(condition)))
      post(
        paste0(invocation, "/error"),
        error_body(condition, calls),
        c("Lambda-Runtime-Function-Error-Type" = class(condition)[[1]])
      )
    }
  }
})
