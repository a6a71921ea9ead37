# Builds the release binary and runs `reelbase serve`.
FROM swift:6.1-bookworm AS build
WORKDIR /src
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product reelbase --static-swift-stdlib \
 && cp "$(swift build -c release --show-bin-path)/reelbase" /reelbase

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates libcurl4 libxml2 tzdata ffmpeg \
 && rm -rf /var/lib/apt/lists/* && useradd --system --home /app reelbase
WORKDIR /app
COPY --from=build /reelbase /usr/local/bin/reelbase
COPY Public ./Public
USER reelbase
ENV REELBASE_HOST=0.0.0.0 REELBASE_PORT=8080
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD ["/bin/sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080"]
ENTRYPOINT ["reelbase"]
CMD ["serve"]
