# labops: bot and workers share one image; the command picks the role (npm start | npm run bot | npm run worker).
FROM node:20-bookworm-slim
# fonts-dejavu-core: the text of the offset charts (resvg draws with the system's fonts)
RUN apt-get update && apt-get install -y --no-install-recommends openssh-client fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force
COPY tsconfig.json ./
COPY src ./src
USER node
ENV NODE_ENV=production
CMD ["npm", "start"]
